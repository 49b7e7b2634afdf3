using System.Diagnostics;
using System.Globalization;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

// The seed CNN's training step on this machine, in one run: the matrix-multiply ceiling, whole-step
// throughput with TorchSharp's optimizer and with Sweep's in-place one, and the optimizer step alone.
//   dotnet run -c Release --project benchmarks/StepBench -- [threads] [batch sizes...]
//   dotnet run -c Release --project benchmarks/StepBench -- explore [threads] [batch sizes...]
bool explore = args.Length > 0 && args[0] == "explore";
args = explore ? args[1..] : args;
int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
int[] batches = args.Length > 1 ? args[1..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [16, 64, 256];
set_num_threads(threads);

double ceiling = MatmulGflops();
Console.WriteLine($"threads: {threads}; single-precision matrix multiply (2048 × 2048): {ceiling:F1} GFLOP/s");

RunConfig Config(string optimizer, string extra = "") =>
    SweepPlanner.Parse($"model: seed-cnn\ndataset: cifar10\noptimizer: {optimizer}\n{extra}grid:\n  lr: [0.0001]\n", "bench.yaml").Runs[0].Config;
DatasetInfo info = KnownDatasets.Describe("cifar10");
double flopsPerImage;
using (var probe = ModelFactory.Create(Config("adam"), info, CPU))
{
    flopsPerImage = 3 * 2 * ForwardMacs((LayerChain)probe, info); // backward ≈ twice the forward
}
Console.WriteLine($"seed-cnn: {flopsPerImage / 1e6:F0} MFLOP per training image (3 × forward)");
Console.WriteLine();
if (explore)
{
    Explore.Run(Config("adam"), info, batches);
    return;
}
Console.WriteLine("| batch | optimizer | TorchSharp optim: img/s | share of ceiling | in-place: img/s | share of ceiling |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (int batch in batches)
{
    var (torchRate, ours) = (Throughput(batch, inPlace: false), Throughput(batch, inPlace: true));
    Console.WriteLine($"| {batch} | adam | {torchRate:F0} | {Share(torchRate):P0} | {ours:F0} | {Share(ours):P0} |");
}
Console.WriteLine();
Console.WriteLine("| optimizer (seed-cnn, 9.46 M parameters) | TorchSharp optim step, ms | in-place step, ms |");
Console.WriteLine("|---|---|---|");
foreach (var (name, extra) in new[] { ("adam", ""), ("adamw", "weight_decay: 0.01\n"), ("sgd", "momentum: 0.9\n"), ("sgd nesterov", "momentum: 0.9\nnesterov: true\nweight_decay: 0.0005\n") })
{
    RunConfig config = Config(name.Split(' ')[0], extra);
    Console.WriteLine($"| {name} | {StepMilliseconds(config, inPlace: false):F1} | {StepMilliseconds(config, inPlace: true):F1} |");
}

double Share(double imagesPerSecond) => imagesPerSecond * flopsPerImage / (ceiling * 1e9);

double Throughput(int batch, bool inPlace)
{
    RunConfig config = Config("adam");
    using var model = ModelFactory.Create(config, info, CPU);
    var (step, dispose) = Optimizer(config, model, inPlace);
    using var generator = new TorchSharp.torch.Generator(1);
    using Tensor x = ChannelsLast.Of(randn([batch, info.Channels, info.Height, info.Width], generator: generator));
    using Tensor y = randint(0, info.Classes, [batch], generator: generator);
    model.train();
    int steps = Math.Max(4, 768 / batch);
    void Step()
    {
        using var scope = NewDisposeScope();
        step.zero();
        nn.functional.cross_entropy(model.forward(x), y).backward();
        step.step();
    }
    for (int i = 0; i < 3; i++)
    {
        Step();
    }
    // Median of three timed blocks: this shared machine drifts by ±15% over minutes.
    var rates = new List<double>();
    for (int block = 0; block < 3; block++)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            Step();
        }
        rates.Add(steps * batch / clock.Elapsed.TotalSeconds);
    }
    dispose();
    return rates.Order().ElementAt(1);
}

double StepMilliseconds(RunConfig config, bool inPlace)
{
    using var model = ModelFactory.Create(config, info, CPU);
    var (step, dispose) = Optimizer(config, model, inPlace);
    using (var scope = NewDisposeScope())
    {
        nn.functional.cross_entropy(model.forward(ChannelsLast.Of(randn([16, 3, 32, 32]))), randint(0, 10, [16])).backward();
    }
    for (int i = 0; i < 3; i++)
    {
        step.step();
    }
    const int Steps = 8;
    var times = new List<double>();
    for (int block = 0; block < 5; block++)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Steps; i++)
        {
            using var scope = NewDisposeScope();
            step.step();
        }
        times.Add(clock.Elapsed.TotalMilliseconds / Steps);
    }
    dispose();
    return times.Order().ElementAt(2); // median of five blocks
}

((Action zero, Action step), Action dispose) Optimizer(RunConfig config, nn.Module<Tensor, Tensor> model, bool inPlace)
{
    if (inPlace)
    {
        var ours = new InPlaceOptimizer(model.parameters(), [config], CPU);
        return ((ours.ZeroGrad, ours.Step), ours.Dispose);
    }
    optim.Optimizer torchOptimizer = config.Optimizer switch
    {
        "adam" => optim.Adam(model.parameters(), config.Lr, weight_decay: config.WeightDecay),
        "adamw" => optim.AdamW(model.parameters(), config.Lr, weight_decay: config.WeightDecay),
        _ => optim.SGD(model.parameters(), config.Lr, momentum: config.Momentum, weight_decay: config.WeightDecay, nesterov: config.Nesterov),
    };
    return ((() => torchOptimizer.zero_grad(), () => torchOptimizer.step()), torchOptimizer.Dispose);
}

// The best of five blocks: the ceiling is what the machine can do, not what a noisy moment allowed.
static double MatmulGflops()
{
    const int N = 2048, Reps = 4;
    using var a = randn([N, N]);
    using var b = randn([N, N]);
    matmul(a, b).Dispose();
    double best = 0;
    for (int block = 0; block < 5; block++)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Reps; i++)
        {
            matmul(a, b).Dispose();
        }
        best = Math.Max(best, 2.0 * N * N * N * Reps / clock.Elapsed.TotalSeconds / 1e9);
    }
    return best;
}

// Multiply-accumulates of one image's forward pass: convolutions and linear layers, the rest is memory-bound.
static double ForwardMacs(LayerChain model, DatasetInfo info)
{
    using var scope = NewDisposeScope();
    using var noGrad = no_grad();
    Tensor x = zeros([1, info.Channels, info.Height, info.Width]);
    double macs = 0;
    foreach (var layer in model.Layers)
    {
        x = layer.forward(x);
        macs += layer switch
        {
            Conv2d conv => x.numel() * conv.weight!.shape[1] * conv.weight.shape[2] * conv.weight.shape[3],
            Linear linear => x.numel() * linear.weight!.shape[1],
            _ => 0,
        };
    }
    return macs;
}
