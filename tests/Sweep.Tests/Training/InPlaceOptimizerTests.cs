using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Tests.Support;
using Sweep.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sweep.Tests.Training;

/// <summary>
/// The trainer's in-place optimizer (libtorch's fused kernels) against TorchSharp's own optim.Adam /
/// AdamW / SGD on a real model: the same initial weights, the same 50 batches. The fused kernel
/// rounds in another order, so the two agree within float rounding, not to the bit; left to run
/// freely, two trajectories that differ by a rounding error drift apart as ReLUs flip (measured:
/// 1e-4 of a tensor's scale by step 20 for Adam, 2e-3 by step 50 for SGD with momentum), which is
/// the network's doing, not the optimizer's. So every step starts both from the reference's
/// parameters, while each optimizer keeps its own state for all 50 steps: what is compared is the
/// optimizer's update and the state it carries.
/// </summary>
public sealed class InPlaceOptimizerTests
{
    private const int Steps = 50;
    // Of each parameter tensor's largest magnitude; measured: at most 1.1e-7 (about one float ulp).
    private const double RelativeTolerance = 1e-5;

    [TestCase("adam", "")]
    [TestCase("adam", "weight_decay: 0.01\n")]
    [TestCase("adamw", "weight_decay: 0.05\n")]
    [TestCase("sgd", "momentum: 0\n")]
    [TestCase("sgd", "momentum: 0.9\nweight_decay: 0.0005\n")]
    [TestCase("sgd", "momentum: 0.9\nnesterov: true\nweight_decay: 0.0005\n")]
    public void Every_step_matches_TorchSharps_optimizer_within_a_relative_1e_5(string optimizer, string extra)
    {
        RunConfig config = Plans.OneRun($"model: small-cnn\noptimizer: {optimizer}\n{extra}grid:\n  lr: [{(optimizer == "sgd" ? "0.05" : "0.003")}]\n");
        DatasetInfo info = KnownDatasets.Describe(config.Dataset);
        using var reference = ModelFactory.Create(config, info, CPU);
        using var ours = ModelFactory.Create(config, info, CPU);
        using var torchOptimizer = Reference(config, reference.parameters());
        using var inPlace = new InPlaceOptimizer(ours.parameters(), [config], CPU);
        inPlace.SetLearningRates([config.Lr]);
        var generator = new TorchSharp.torch.Generator(42);
        double worst = 0;

        for (int step = 1; step <= Steps; step++)
        {
            using var scope = NewDisposeScope();
            Tensor x = randn([16, info.Channels, info.Height, info.Width], generator: generator);
            Tensor y = randint(0, info.Classes, [16], generator: generator);
            var before = reference.parameters().Select(p => p.detach().clone()).ToList();

            torchOptimizer.zero_grad();
            nn.functional.cross_entropy(reference.forward(x), y).backward();
            torchOptimizer.step();
            inPlace.ZeroGrad();
            Assert.That(ours.parameters().Select(p => p.grad), Is.All.Null, "gradients dropped, not zeroed");
            nn.functional.cross_entropy(ours.forward(x), y).backward();
            inPlace.Step();

            foreach (var (((name, a), b), start) in reference.named_parameters().Zip(ours.parameters()).Zip(before))
            {
                double scale = a.abs().max().item<float>();
                double difference = (a - b).abs().max().item<float>() / scale;
                worst = Math.Max(worst, difference);
                Assert.That(difference, Is.LessThanOrEqualTo(RelativeTolerance), $"step {step}, {name}");
                Assert.That((a - start).abs().max().item<float>(), Is.GreaterThan(0), $"step {step}, {name} moved");
                using (no_grad())
                {
                    b.copy_(a);
                }
            }
        }
        TestContext.Out.WriteLine($"largest difference over {Steps} steps: {worst:E1} of a tensor's scale");
    }

    [TestCase("adamw", "lr: [0.001, 0.01, 0.03]\n  weight_decay: [0, 0.1]\n")]
    [TestCase("sgd", "lr: [0.01, 0.1]\n  momentum: [0, 0.9]\n  weight_decay: [0, 0.01]\n")]
    public void A_pack_steps_each_slice_as_its_own_run_would(string optimizer, string grid)
    {
        IReadOnlyList<RunConfig> runs = Plans.Runs($"optimizer: {optimizer}\ngrid:\n  {grid}");
        int k = runs.Count;
        var generator = new TorchSharp.torch.Generator(7);
        using var pack = new Parameter(randn([k, 6, 5], generator: generator));
        var singles = Enumerable.Range(0, k).Select(i => new Parameter(pack.detach()[i].clone())).ToList();
        using var unused = new Parameter(ones([k, 4])); // no gradient ever: left as it is
        using var packed = new InPlaceOptimizer([unused, pack], runs, CPU);
        var alone = runs.Select((run, i) => new InPlaceOptimizer([singles[i]], [run], CPU)).ToList();

        for (int step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            Tensor gradient = randn([k, 6, 5], generator: generator);
            packed.ZeroGrad();
            pack.grad = gradient.clone();
            packed.Step();
            for (int i = 0; i < k; i++)
            {
                alone[i].ZeroGrad();
                singles[i].grad = gradient[i].clone();
                alone[i].Step();
                Assert.That(pack.detach()[i].data<float>().ToArray(), Is.EqualTo(singles[i].data<float>().ToArray()).Within(1e-6),
                    $"step {step + 1}, slice {i} ({runs[i].Lr}, momentum {runs[i].Momentum}, weight decay {runs[i].WeightDecay})");
            }
        }
        Assert.That(pack.detach()[0].data<float>().ToArray(), Is.Not.EqualTo(pack.detach()[k - 1].data<float>().ToArray()), "slices with other settings moved differently");
        Assert.That(unused.data<float>().ToArray(), Is.All.EqualTo(1f), "a parameter without a gradient is not stepped");
        alone.ForEach(o => o.Dispose());
        singles.ForEach(p => p.Dispose());
    }

    [Test]
    public void A_checkpointed_optimizer_continues_exactly_as_an_uninterrupted_one()
    {
        RunConfig config = Plans.OneRun("model: small-cnn\noptimizer: adam\ngrid:\n  lr: [0.003]\n");
        DatasetInfo info = KnownDatasets.Describe(config.Dataset);
        using var straight = ModelFactory.Create(config, info, CPU);
        using var straightOptimizer = new InPlaceOptimizer(straight.parameters(), [config], CPU);
        using var resumed = ModelFactory.Create(config, info, CPU);
        var resumedOptimizer = new InPlaceOptimizer(resumed.parameters(), [config], CPU);
        var batches = Enumerable.Range(0, 10).Select(i => (randn([8, 1, 28, 28], generator: new TorchSharp.torch.Generator((ulong)i)), randint(0, 10, [8], generator: new TorchSharp.torch.Generator((ulong)i)))).ToList();
        void Train(nn.Module<Tensor, Tensor> model, InPlaceOptimizer optimizer, IEnumerable<(Tensor X, Tensor Y)> part)
        {
            foreach (var (x, y) in part)
            {
                optimizer.ZeroGrad();
                nn.functional.cross_entropy(model.forward(x), y).backward();
                optimizer.Step();
            }
        }

        Train(straight, straightOptimizer, batches);
        Train(resumed, resumedOptimizer, batches.Take(5));
        var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            new ModelState(resumed, resumedOptimizer).Write(writer);
        }
        resumedOptimizer.Dispose();
        using var restored = ModelFactory.Create(config with { Seed = 99 }, info, CPU); // other weights, overwritten by the checkpoint
        using var restoredOptimizer = new InPlaceOptimizer(restored.parameters(), [config], CPU);
        saved.Position = 0;
        using (var reader = new BinaryReader(saved))
        {
            new ModelState(restored, restoredOptimizer).Read(reader);
        }
        Train(restored, restoredOptimizer, batches.Skip(5));

        foreach (var (a, b) in straight.parameters().Zip(restored.parameters()))
        {
            Assert.That(b.data<float>().ToArray(), Is.EqualTo(a.data<float>().ToArray()), "bit-identical after a save and restore mid-way");
        }
    }

    private static optim.Optimizer Reference(RunConfig config, IEnumerable<Parameter> parameters) => config.Optimizer switch
    {
        "adam" => optim.Adam(parameters, config.Lr, weight_decay: config.WeightDecay),
        "adamw" => optim.AdamW(parameters, config.Lr, weight_decay: config.WeightDecay),
        _ => optim.SGD(parameters, config.Lr, momentum: config.Momentum, weight_decay: config.WeightDecay, nesterov: config.Nesterov),
    };
}
