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
        Console.WriteLine($"| variant (img/s, median of 3 blocks) | {string.Join(" | ", batches.Select(b => $"batch {b}"))} |");
        Console.WriteLine($"|---|{string.Concat(batches.Select(_ => "---|"))}");
        foreach (var (name, variant) in new (string, Variant)[]
        {
            ("as the trainer runs it (channels-last, oneDNN, gradients zeroed)", Variant.Trainer),
            ("gradients set to none instead of zeroed", Variant.GradientsToNone),
            ("NCHW activations instead of channels-last", Variant.Nchw),
            ("oneDNN switched off (libtorch's own convolutions)", Variant.NoOneDnn),
        })
        {
            Console.WriteLine($"| {name} | {string.Join(" | ", batches.Select(b => Throughput(config, info, b, variant).ToString("F0")))} |");
        }
        Console.WriteLine();
        Console.WriteLine("| evaluation batch size | 100 | 250 | 1000 | 4000 |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| evaluation img/s (eval mode, no grad, 4,000 images) | {string.Join(" | ", new[] { 100, 250, 1000, 4000 }.Select(b => Evaluation(config, info, b).ToString("F0")))} |");
    }

    private enum Variant { Trainer, GradientsToNone, Nchw, NoOneDnn }

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

    private static double Throughput(RunConfig config, DatasetInfo info, int batch, Variant variant)
    {
        using var model = ModelFactory.Create(config, info, CPU);
        using var optimizer = new InPlaceOptimizer(model.parameters(), [config], CPU);
        using Tensor x = randn([batch, info.Channels, info.Height, info.Width], generator: new Generator(1));
        using Tensor y = randint(0, info.Classes, [batch], generator: new Generator(2));
        var order = ChainForward.Order(((LayerChain)model).Layers);
        model.train();
        if (variant == Variant.NoOneDnn)
        {
            SetOneDnn(false);
        }
        try
        {
            int steps = Math.Max(4, 768 / batch);
            var rates = new List<double>();
            for (int block = 0; block < 4; block++)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++)
                {
                    using var scope = NewDisposeScope();
                    Tensor logits = variant == Variant.Nchw ? order.Aggregate(x, (a, layer) => layer.forward(a)) : model.forward(x);
                    Tensor loss = nn.functional.cross_entropy(logits, y);
                    if (variant == Variant.GradientsToNone)
                    {
                        foreach (Parameter p in model.parameters())
                        {
                            p.grad = null;
                        }
                    }
                    else
                    {
                        optimizer.ZeroGrad();
                    }
                    loss.backward();
                    optimizer.Step();
                }
                if (block > 0) // the first block warms up
                {
                    rates.Add(steps * batch / clock.Elapsed.TotalSeconds);
                }
            }
            return Median(rates);
        }
        finally
        {
            SetOneDnn(true);
        }
    }

    private static double Evaluation(RunConfig config, DatasetInfo info, int batch)
    {
        using var model = ModelFactory.Create(config, info, CPU);
        using Tensor images = randn([4000, info.Channels, info.Height, info.Width], generator: new Generator(3));
        model.eval();
        using var noGrad = no_grad();
        var rates = new List<double>();
        for (int round = 0; round < 4; round++)
        {
            var clock = Stopwatch.StartNew();
            for (int start = 0; start < 4000; start += batch)
            {
                using var scope = NewDisposeScope();
                model.forward(images.narrow(0, start, Math.Min(batch, 4000 - start))).softmax(1);
            }
            if (round > 0)
            {
                rates.Add(4000 / clock.Elapsed.TotalSeconds);
            }
        }
        return Median(rates);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    // at::globalContext().setUserEnabledMkldnn(bool): torch.backends.mkldnn.enabled in PyTorch.
    private static unsafe void SetOneDnn(bool enabled)
    {
        nint library = NativeLibrary.Load("libtorch_cpu.so", typeof(TorchSharp.torch).Assembly, null);
        nint context = ((delegate* unmanaged[Cdecl]<nint>)NativeLibrary.GetExport(library, "_ZN2at13globalContextEv"))();
        ((delegate* unmanaged[Cdecl]<nint, byte, void>)NativeLibrary.GetExport(library, "_ZN2at7Context20setUserEnabledMkldnnEb"))(context, enabled ? (byte)1 : (byte)0);
    }
}
