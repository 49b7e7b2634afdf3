using Sweep.Data;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Tests.Support;
using Sweep.Training;
using Cli = Sweep.Tests.Cli;
using static TorchSharp.torch;

namespace Sweep.Tests.Training;

/// <summary>
/// TorchScript files written by Debian's PyTorch 1.13 (tests/fixtures/torchscript/make_fixtures.py
/// regenerates them): a scripted and an eval-mode traced network with convolution, batch norm and
/// dropout, loaded, checked and trained by the same trainer as the built-in models.
/// </summary>
public sealed class TorchScriptModelTests
{
    private static string Fixture(string name) => Path.Combine(RepoPaths.Root, "tests", "fixtures", "torchscript", name);

    private static string Sweep(string modelFile, string extra = "") =>
        $"name: ts\nmodel: torchscript\nmodel_file: {modelFile}\n{extra}train_size: 1500\ntest_size: 300\nepochs: 3\nthreads: 1\nsave_model: true\ngrid:\n  lr: [0.003]\n";

    [TestCase("scripted.pt")]
    [TestCase("traced-eval.pt")]
    [TestCase("tied.pt")] // two layers share a weight
    [TestCase("strided.pt")] // parameters stored channels-last, transposed and as a slice with gaps
    public void A_TorchScript_model_trains_and_its_saved_weights_give_the_recorded_accuracy(string fixture)
    {
        using var dir = new TempDir();
        File.Copy(Fixture(fixture), dir.File("net.pt"));
        string file = dir.Write("s.yaml", Sweep("net.pt"));

        string db = dir.File("results/results.db");
        CliResult result = InProcessCli.Run("sweep", file, "--db", db, "--no-report");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var losses = ResultsFile.Query<double>(db, "SELECT train_loss FROM epochs ORDER BY epoch");
        Assert.That(losses[2], Is.LessThan(losses[0] * 0.8), "the loss falls");
        double recorded = ResultsFile.Scalar<double>(db, "SELECT final_test_accuracy FROM runs");
        Assert.That(recorded, Is.GreaterThan(0.6), "it learns Fashion-MNIST, well above chance (0.1)");
        Assert.That(ResultsFile.Scalar<string>(db, "SELECT model_file FROM runs"), Is.EqualTo(dir.File("net.pt")));
        Assert.That(ResultsFile.Scalar<string>(db, "SELECT model_sha256 FROM runs"),
            Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Fixture(fixture))))));

        // The saved weights, loaded into the file's model, reproduce the recorded accuracy; the file's own weights do not.
        RunConfig config = SweepPlanner.Load(file).Runs[0].Config;
        string runId = ResultsFile.Scalar<string>(db, "SELECT run_id FROM runs");
        using var images = new ImageTensors(DatasetLoader.Load(DataRequest.For(config)), CPU);
        using var untrained = ModelFactory.Create(config, KnownDatasets.Describe(config.Dataset), CPU);
        using var trained = ModelFactory.Create(config, KnownDatasets.Describe(config.Dataset), CPU);
        trained.load(dir.File($"results/models/{runId}.pt"));
        Assert.That(Evaluation.Run(trained, 1, x => trained.forward(x).unsqueeze(0), images).Accuracy[0], Is.EqualTo(recorded));
        Assert.That(Evaluation.Run(untrained, 1, x => untrained.forward(x).unsqueeze(0), images).Accuracy[0], Is.Not.EqualTo(recorded));
    }

    /// <summary>
    /// deterministic: true makes libtorch fill memory it hands out unwritten with NaN, so a read
    /// before write shows at once instead of on some machines: re-storing strided.pt's
    /// channels-last convolution weight made its backward read such memory (NaN in epoch 1). A
    /// child process: the switch stays on for the rest of a process.
    /// </summary>
    [TestCase("strided.pt")]
    [TestCase("scripted.pt")]
    public void A_TorchScript_model_trains_without_NaN_when_unwritten_memory_is_NaN(string fixture)
    {
        using var dir = new TempDir();
        File.Copy(Fixture(fixture), dir.File("net.pt"));
        dir.Write("s.yaml", Sweep("net.pt", "deterministic: true\n").Replace("save_model: true\n", "", StringComparison.Ordinal));

        CliResult result = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string db = dir.File("results/results.db");
        Assert.That(ResultsFile.Scalar<string>(db, "SELECT status FROM runs"), Is.EqualTo("completed"), result.ToString());
        var losses = ResultsFile.Query<double>(db, "SELECT train_loss FROM epochs ORDER BY epoch");
        Assert.That(losses, Has.Count.EqualTo(3).And.All.Not.NaN);
        Assert.That(losses[2], Is.LessThan(losses[0] * 0.8));
    }

    [Test]
    public void A_weight_two_layers_share_is_one_parameter_and_one_Adam_step_moves_it_once()
    {
        RunConfig config = Plans.OneRun(Sweep(Fixture("tied.pt")));
        using var network = ModelFactory.Create(config, KnownDatasets.Describe(config.Dataset), CPU);
        var names = network.named_parameters().Select(p => p.name).ToList();
        Assert.That(names, Is.EquivalentTo(new[] { "inp_weight", "inp_bias", "h1_weight", "h1_bias", "h2_bias", "out_weight", "out_bias" }),
            "PyTorch's parameters() lists the shared weight once");
        Tensor shared = network.named_parameters().Single(p => p.name == "h1_weight").parameter;
        using Tensor before = shared.detach().clone();
        using var optimizer = new InPlaceOptimizer(network.parameters(), [config], CPU);

        using (var scope = NewDisposeScope())
        {
            var generator = new Generator(3);
            nn.functional.cross_entropy(network.forward(randn([16, 1, 28, 28], generator: generator)), randint(0, 10, [16], generator: generator)).backward();
            optimizer.Step();
        }

        // Adam's first step moves every element by lr·g/(|g|+eps), at most lr; stepped twice it would move up to 2·lr.
        double moved = (shared.detach() - before).abs().max().item<float>();
        Assert.That(moved, Is.GreaterThan(config.Lr * 0.9).And.LessThanOrEqualTo(config.Lr * 1.001));
    }

    [Test]
    public void Kill_9_then_the_same_command_resumes_a_TorchScript_run_bit_for_bit()
    {
        const string Rows = "SELECT epoch, train_loss, test_loss, test_accuracy FROM epochs ORDER BY epoch";
        string yaml = "name: ts\nmodel: torchscript\nmodel_file: net.pt\ntrain_size: 1500\ntest_size: 200\nepochs: 6\nthreads: 1\ndeterministic: true\ngrid:\n  lr: [0.003]\n";
        using var reference = new TempDir();
        File.Copy(Fixture("scripted.pt"), reference.File("net.pt"));
        reference.Write("s.yaml", yaml);
        Assert.That(SweepCli.Run(reference.Path, "sweep", "s.yaml", "--no-report").ExitCode, Is.EqualTo(0));

        using var dir = new TempDir();
        File.Copy(Fixture("scripted.pt"), dir.File("net.pt"));
        dir.Write("s.yaml", yaml);
        string db = dir.File("results/results.db");
        using (var process = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--no-report"))
        {
            Cli.ResumeTests.WaitFor(() => ResultsFile.CountOrZero(db, "SELECT count(*) FROM epochs") >= 3, process, "3 epochs");
            process.Kill();
            process.WaitForExit();
        }
        CliResult again = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(again.Stdout, Does.Contain("resuming from the checkpoint of epoch"));
        Assert.That(ResultsFile.Query<(long, double, double, double)>(db, Rows),
            Is.EqualTo(ResultsFile.Query<(long, double, double, double)>(reference.File("results/results.db"), Rows)),
            "batch norm statistics, optimizer state and dropout draws all continue as if never stopped");
    }

    [Test]
    public void The_run_id_follows_the_files_contents_not_its_name()
    {
        using var dir = new TempDir();
        File.Copy(Fixture("scripted.pt"), dir.File("a.pt"));
        File.Copy(Fixture("scripted.pt"), dir.File("renamed.pt"));
        File.Copy(Fixture("traced-eval.pt"), dir.File("other.pt"));
        string Id(string model) => SweepPlanner.Parse(Sweep(model), dir.File("s.yaml")).Runs[0].RunId;

        Assert.That(Id("renamed.pt"), Is.EqualTo(Id("a.pt")), "an unchanged file is recognised wherever it lies");
        Assert.That(Id("other.pt"), Is.Not.EqualTo(Id("a.pt")), "another file is another run");
        Assert.That(SweepPlanner.Parse(Sweep("a.pt", "init: seed\n"), dir.File("s.yaml")).Runs[0].RunId, Is.Not.EqualTo(Id("a.pt")));
        Assert.That(SweepPlanner.Parse("grid:\n  lr: [0.001]\n", dir.File("s.yaml")).Runs[0].RunId,
            Is.EqualTo(SweepPlanner.Parse("model_file: a.pt\ngrid:\n  lr: [0.001]\n  model: [small-cnn, torchscript]\n", dir.File("s.yaml")).Runs[0].RunId),
            "built-in models ignore model_file, and their run ids are what they were");
        var unused = Assert.Throws<Sweep.Kernel.SweepInputException>(() => SweepPlanner.Parse("model_file: a.pt\ngrid:\n  lr: [0.001]\n", dir.File("s.yaml")));
        Assert.That(unused!.Message, Does.Contain("model_file is set but no run uses model: torchscript"), "a file no run reads is a mistake, not a setting");
    }

    [Test]
    public void Init_file_starts_from_the_files_weights_and_init_seed_from_the_runs_seed()
    {
        RunConfig config = Plans.OneRun(Sweep(Fixture("scripted.pt")));
        DatasetInfo info = KnownDatasets.Describe(config.Dataset);
        float[] Weights(RunConfig c)
        {
            using var model = ModelFactory.Create(c, info, CPU);
            return model.parameters().First().data<float>().ToArray();
        }

        float[] fromFile = Weights(config);
        Assert.That(Weights(config with { Seed = 5 }), Is.EqualTo(fromFile), "init: file ignores the seed");
        float[] seeded = Weights(config with { Init = "seed", Seed = 5 });
        Assert.That(seeded, Is.Not.EqualTo(fromFile));
        Assert.That(Weights(config with { Init = "seed", Seed = 5 }), Is.EqualTo(seeded), "the same seed gives the same weights");
        Assert.That(Weights(config with { Init = "seed", Seed = 6 }), Is.Not.EqualTo(seeded));
    }

    [TestCase("traced-train.pt", "", "traced in training mode")]
    [TestCase("five-classes.pt", "", "returns shape [2, 5] for 2 × 1 × 28 × 28 images of fashion-mnist-mini; it must return [2, 10]")]
    [TestCase("three-channels.pt", "", "to have 3 channels, but got 1 channels instead")]
    [TestCase("tuple-output.pt", "", "returns something other than one tensor (a tuple, list or dict)")]
    [TestCase("integer-output.pt", "", "returns Int64 values; it must return floating-point class scores")]
    [TestCase("nan-output.pt", "", "returns NaN scores")]
    [TestCase("float64-output.pt", "", "returns Float64 scores; Sweep's loss and metrics take float32: end its forward with .float()")]
    [TestCase("float16-output.pt", "", "returns Float16 scores; Sweep's loss and metrics take float32")]
    [TestCase("mode-classes.pt", "", "returns shape [2, 11] in training mode but [2, 10] in eval mode")]
    [TestCase("ignores-weights.pt", "", "computes its scores without any of its trainable weights")]
    [TestCase("dict-output.pt", "", "returns something other than one tensor (a tuple, list or dict)")]
    [TestCase("in-place-input.pt", "", "changes its input tensor in place")]
    [TestCase("no-weights.pt", "", "has no trainable parameters")]
    [TestCase("truncated.pt", "", "is not a TorchScript model libtorch can load")]
    [TestCase("state-dict.pt", "", "it looks like a file written by torch.save (a pickled model or a state_dict)")]
    [TestCase("not-there.pt", "", "does not exist")]
    [TestCase("", "", "model: torchscript needs model_file")]
    public void A_model_that_does_not_fit_is_an_input_error_before_anything_is_written(string fixture, string extra, string expected)
    {
        using var dir = new TempDir();
        if (fixture == "truncated.pt")
        {
            File.WriteAllBytes(dir.File(fixture), File.ReadAllBytes(Fixture("scripted.pt"))[..3000]);
        }
        else if (fixture.Length > 0 && File.Exists(Fixture(fixture)))
        {
            File.Copy(Fixture(fixture), dir.File(fixture));
        }
        string file = dir.Write("s.yaml", fixture.Length > 0 ? Sweep(fixture, extra) : "model: torchscript\ngrid:\n  lr: [0.001]\n");

        CliResult result = InProcessCli.Run("sweep", file, "--db", dir.File("results/results.db"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Stderr, Does.StartWith("error: ").And.Contain(expected));
        Assert.That(Directory.Exists(dir.File("results")), Is.False, "nothing is written");
    }

    [Test]
    public void Fusion_leaves_TorchScript_runs_alone_and_says_why()
    {
        using var dir = new TempDir();
        File.Copy(Fixture("scripted.pt"), dir.File("net.pt"));
        string file = dir.Write("s.yaml", "model: torchscript\nmodel_file: net.pt\ngrid:\n  lr: [0.003, 0.001]\n");

        CliResult plan = InProcessCli.Run("plan", file, "--fuse", "--db", dir.File("none.db"));

        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.ToString());
        Assert.That(plan.Output(), Does.Contain("2 runs alone: model: torchscript cannot be fused"));
    }
}
