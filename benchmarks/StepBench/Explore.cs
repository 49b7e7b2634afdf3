using System.Diagnostics;
using System.Runtime.InteropServices;
using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// Where a small-batch step of the seed CNN goes, and what changes it: the step split into
/// forward, backward and optimizer; the whole step with gradients set to none instead of zeroed,
/// with NCHW instead of channels-last activations, and with oneDNN switched off; evaluation
/// throughput per evaluation batch size. Printed as Markdown tables.
/// </summary>
internal static class Explore
{
    public static void Run(RunConfig config, DatasetInfo info, int[] batches)
    {
        Console.WriteLine("| batch | forward + loss, ms | backward, ms | optimizer step, ms | whole step, ms | img/s |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int batch in batches)
        {
            var (forward, backward, step) = Split(config, info, batch);
            double whole = forward + backward + step;
            Console.WriteLine($"| {batch} | {forward:F1} | {backward:F1} | {step:F1} | {whole:F1} | {batch * 1000 / whole:F0} |");
        }
        Console.WriteLine();
        // Variants alternate block by block, so the machine's drift over minutes hits them alike.
        Console.WriteLine($"| variant (img/s, median of 5 alternating blocks) | {string.Join(" | ", batches.Select(b => $"batch {b}"))} |");
        Console.WriteLine($"|---|{string.Concat(batches.Select(_ => "---|"))}");
        var names = new Dictionary<Variant, string>
        {
            [Variant.Trainer] = "as the trainer runs it (channels-last, oneDNN, gradients dropped, glibc heap only)",
            [Variant.TrainerData] = "as the trainer, with its data path: a new shuffled batch cut from bytes, normalised, loss summed",
            [Variant.ZeroedGradients] = "gradients zeroed and added to instead of dropped",
            [Variant.Mmap] = "glibc mmaps blocks over 32 MiB (its M_MMAP_MAX default)",
            [Variant.ZeroedGradientsMmap] = "both of the above (the trainer before this change)",
            [Variant.Nchw] = "NCHW activations instead of channels-last",
            [Variant.NoOneDnn] = "oneDNN switched off (libtorch's own convolutions)",
        };
        var rates = names.Keys.ToDictionary(v => v, _ => batches.Select(_ => new List<double>()).ToArray());
        for (int b = 0; b < batches.Length; b++)
        {
            var benches = names.Keys.ToDictionary(v => v, v => new StepLoop(config, info, batches[b], v));
            for (int round = 0; round < 6; round++)
            {
                foreach (var (variant, bench) in benches)
                {
                    double rate = bench.Block();
                    if (round > 0)
                    {
                        rates[variant][b].Add(rate);
                    }
                }
            }
            foreach (var bench in benches.Values)
            {
                bench.Dispose();
            }
        }
        foreach (var (variant, name) in names)
        {
            Console.WriteLine($"| {name} | {string.Join(" | ", rates[variant].Select(r => Median(r).ToString("F0")))} |");
        }
        Console.WriteLine();
        int[] sizes = [100, 250, 500, 1000, 4000];
        Console.WriteLine($"| evaluation batch size | {string.Join(" | ", sizes)} |");
        Console.WriteLine($"|---|{string.Concat(sizes.Select(_ => "---|"))}");
        Console.WriteLine($"| evaluation img/s (eval mode, no grad, 4,000 images, median of 5 alternating rounds) | {string.Join(" | ", Evaluation(config, info, sizes).Select(r => r.ToString("F0")))} |");
    }

    private enum Variant { Trainer, TrainerData, ZeroedGradients, Mmap, ZeroedGradientsMmap, Nchw, NoOneDnn }

    private static (double Forward, double Backward, double Step) Split(RunConfig config, DatasetInfo info, int batch)
    {
        using var model = ModelFactory.Create(config, info, CPU);
        using var optimizer = new InPlaceOptimizer(model.parameters(), [config], CPU);
        using Tensor x = randn([batch, info.Channels, info.Height, info.Width], generator: new Generator(1));
        using Tensor y = randint(0, info.Classes, [batch], generator: new Generator(2));
        model.train();
        var (forward, backward, step) = (new List<double>(), new List<double>(), new List<double>());
        int steps = Math.Max(6, 1536 / batch);
        for (int i = 0; i < steps + 3; i++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            Tensor loss = nn.functional.cross_entropy(model.forward(x), y);
            double f = clock.Elapsed.TotalMilliseconds;
            optimizer.ZeroGrad();
            loss.backward();
            double b = clock.Elapsed.TotalMilliseconds;
            optimizer.Step();
            double s = clock.Elapsed.TotalMilliseconds;
            if (i >= 3)
            {
                forward.Add(f);
                backward.Add(b - f);
                step.Add(s - b);
            }
        }
        return (Median(forward), Median(backward), Median(step));
    }

    private sealed class StepLoop : IDisposable
    {
        private readonly nn.Module<Tensor, Tensor> _model;
        private readonly IReadOnlyList<nn.Module<Tensor, Tensor>> _layers;
        private readonly InPlaceOptimizer _optimizer;
        private readonly Tensor _x, _y, _bytes, _labels, _order, _lossSum;
        private int _next;
        private readonly int _batch;
        private readonly Variant _variant;

        public StepLoop(RunConfig config, DatasetInfo info, int batch, Variant variant)
        {
            _model = ModelFactory.Create(config, info, CPU);
            _layers = ChainForward.Order(((LayerChain)_model).Layers);
            _optimizer = new InPlaceOptimizer(_model.parameters(), [config], CPU);
            _x = randn([batch, info.Channels, info.Height, info.Width], generator: new Generator(1));
            _y = randint(0, info.Classes, [batch], generator: new Generator(2));
            _bytes = randint(0, 256, [2048, info.Channels, info.Height, info.Width], dtype: uint8, generator: new Generator(4));
            _labels = randint(0, info.Classes, [2048], generator: new Generator(5));
            _order = randperm(2048, generator: new Generator(6));
            _lossSum = zeros(1, dtype: float64);
            _batch = batch;
            _variant = variant;
            _model.train();
        }

        public double Block()
        {
            bool mmap = _variant is Variant.Mmap or Variant.ZeroedGradientsMmap;
            bool zeroed = _variant is Variant.ZeroedGradients or Variant.ZeroedGradientsMmap;
            SetOneDnn(_variant != Variant.NoOneDnn);
            mallopt(MmapMax, mmap ? 65536 : 0);
            try
            {
                int steps = Math.Max(4, 384 / _batch);
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++)
                {
                    using var scope = NewDisposeScope();
                    var (x, y) = (_x, _y);
                    if (_variant == Variant.TrainerData)
                    {
                        _next = _next + _batch > 2048 ? 0 : _next;
                        Tensor index = _order.narrow(0, _next, _batch);
                        _next += _batch;
                        (x, y) = (_bytes.index_select(0, index).to(float32).mul_(1f / 255 / 0.25f).sub_(2f), _labels.index_select(0, index));
                    }
                    Tensor logits = _variant == Variant.Nchw ? _layers.Aggregate(x, (a, layer) => layer.forward(a)) : _model.forward(x);
                    Tensor loss = nn.functional.cross_entropy(logits, y);
                    if (zeroed)
                    {
                        foreach (Parameter p in _model.parameters())
                        {
                            p.grad?.zero_();
                        }
                    }
                    else
                    {
                        _optimizer.ZeroGrad();
                    }
                    loss.backward();
                    _optimizer.Step();
                    if (_variant == Variant.TrainerData)
                    {
                        _lossSum.add_(loss.detach() * _batch);
                    }
                }
                return steps * _batch / clock.Elapsed.TotalSeconds;
            }
            finally
            {
                SetOneDnn(true);
                mallopt(MmapMax, 0); // as Sweep's MallocTuning leaves it
            }
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _model.Dispose();
            foreach (Tensor t in new[] { _x, _y, _bytes, _labels, _order, _lossSum })
            {
                t.Dispose();
            }
        }
    }

    private const int MmapMax = -4; // M_MMAP_MAX: glibc's default is 65536, Sweep sets 0

    [DllImport("libc.so.6")]
    private static extern int mallopt(int parameter, int value);

    // Evaluation throughput per evaluation batch size, the sizes alternating round by round.
    private static double[] Evaluation(RunConfig config, DatasetInfo info, int[] sizes)
    {
        using var model = ModelFactory.Create(config, info, CPU);
        using Tensor images = randn([4000, info.Channels, info.Height, info.Width], generator: new Generator(3));
        model.eval();
        using var noGrad = no_grad();
        var rates = sizes.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < 6; round++)
        {
            for (int i = 0; i < sizes.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                for (int start = 0; start < 4000; start += sizes[i])
                {
                    using var scope = NewDisposeScope();
                    model.forward(images.narrow(0, start, Math.Min(sizes[i], 4000 - start))).softmax(1);
                }
                if (round > 0)
                {
                    rates[i].Add(4000 / clock.Elapsed.TotalSeconds);
                }
            }
        }
        return rates.Select(Median).ToArray();
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    // at::globalContext().setUserEnabledMkldnn(bool): torch.backends.mkldnn.enabled in PyTorch.
    private static unsafe void SetOneDnn(bool enabled)
    {
        Sweep.Native.LibTorch.TryGetExport("_ZN2at13globalContextEv", out nint global);
        Sweep.Native.LibTorch.TryGetExport("_ZN2at7Context20setUserEnabledMkldnnEb", out nint set);
        ((delegate* unmanaged[Cdecl]<nint, byte, void>)set)(((delegate* unmanaged[Cdecl]<nint>)global)(), enabled ? (byte)1 : (byte)0);
    }
}
