using System.Text.Json;
using Sweep.Data;
using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Tests.Support;
using Sweep.Training;
using static TorchSharp.torch;

namespace Sweep.Tests.Training;

/// <summary>
/// A user's TorchScript model trains in Sweep as it trains in PyTorch. Each model of a zoo
/// (tests/fixtures/torchscript/zoo.py: batch norm, dropout, adaptive pooling, a residual add, tied
/// weights, frozen parameters, channels-last / transposed / gapped parameters, a registered buffer,
/// float64 parameters) is trained for two epochs by Sweep's trainer and by PyTorch 1.13 from the
/// same file, on the same images in the same order (Sweep's order is PyTorch's randperm, see
/// EpochRandomTests): every epoch's mean loss and every final parameter and buffer agree.
/// </summary>
public sealed class ZooDifferentialTests
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "fixtures", "torchscript", "zoo.py");
    /// <summary>Agreement that needs no float64 argument: 1e-5 of the tensor's (or losses') norm.</summary>
    private const double Tolerance = 1e-5;

    private static TempDir? _zoo;
    private static bool _trained;

    public static IEnumerable<TestCaseData> Cases() =>
        from model in new[] { "batchnorm", "dropout", "adaptive", "residual", "tied", "frozen", "strided", "buffer", "float64" }
        from optimizer in new[] { "adam", "sgd" }
        select new TestCaseData(model, optimizer).SetName($"{model} with {optimizer}");

    [OneTimeTearDown]
    public void RemoveZoo() => _zoo?.Dispose();

    [TestCaseSource(nameof(Cases))]
    public void Sweep_trains_the_model_as_PyTorch_does(string model, string optimizer)
    {
        Python.Require("torch", "python3-torch");
        string file = Path.Combine(ZooFolder().Path, model + ".pt");
        double lr = optimizer == "adam" ? 0.003 : 0.05;
        RunConfig config = Plans.OneRun(
            $"name: zoo\nmodel: torchscript\nmodel_file: {file}\ntrain_size: 256\ntest_size: 64\naugment: false\nepochs: 2\nthreads: 1\nseed: 3\n"
            + $"optimizer: {optimizer}\nmomentum: 0.9\nbatch_size: 32\ngrid:\n  lr: [{lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}]\n");
        DatasetPair data = DatasetLoader.Load(DataRequest.For(config));
        string torchResult = Path.Combine(Zoo(data).Path, $"{model}-{optimizer}.json");

        var final = new FinalState();
        RunResult ours = new Trainer().Train(config, data, new SilentObserver(), CancellationToken.None, new TrainerOptions(1, final));
        using var theirs = JsonDocument.Parse(File.ReadAllText(torchResult));

        Assert.That(ours.Outcome, Is.EqualTo(RunOutcome.Completed));
        var torch32 = theirs.RootElement;
        var torch64 = theirs.RootElement.GetProperty("float64");
        Assert.That(Off(ours.Epochs.Select(e => e.TrainLoss).ToArray(), Values(torch32.GetProperty("losses")), Values(torch64.GetProperty("losses"))), Is.Null,
            "mean training loss per epoch");
        using var trained = ModelFactory.Create(config, KnownDatasets.Describe(config.Dataset), CPU);
        trained.load(new BinaryReader(new MemoryStream(final.Model!)));
        foreach (var (name, tensor) in trained.state_dict())
        {
            double[] actual = tensor.to(float64).contiguous().data<double>().ToArray();
            Assert.That(Off(actual, Values(torch32.GetProperty("state").GetProperty(name)), Values(torch64.GetProperty("state").GetProperty(name))), Is.Null, name);
        }
        Assert.That(ModelFactory.ParameterCount(trained), Is.GreaterThan(0));
    }

    private static double[] Values(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>
    /// Null when ours agrees: within 1e-5 of PyTorch's float32 result (relative to the tensor's
    /// norm), or at most three times as far from the float64 result as PyTorch's float32 result is
    /// (both round in float32 but sum in different orders, and batch norm with momentum amplifies
    /// rounding: on batchnorm/sgd PyTorch's float32 run ends epoch 2 2e-4 from float64). Else why not.
    /// </summary>
    private static string? Off(double[] ours, double[] torch32, double[] torch64)
    {
        static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
        double scale = Math.Sqrt(torch64.Sum(v => v * v)) + 1e-12;
        double toTorch = Distance(ours, torch32), toTruth = Distance(ours, torch64), torchToTruth = Distance(torch32, torch64);
        return toTorch <= Tolerance * scale || toTruth <= 3 * torchToTruth + Tolerance * scale ? null
            : $"ours is {toTruth / scale:E2} (relative) from float64 where PyTorch's float32 is {torchToTruth / scale:E2}; {toTorch / scale:E2} from PyTorch's float32";
    }

    /// <summary>
    /// A model that calls .view on convolution outputs cannot take channels-last activations: it
    /// trains with oneDNN off (process-wide, so in a child process here) and still as PyTorch does.
    /// </summary>
    [TestCase("adam")]
    [TestCase("sgd")]
    public void A_model_that_views_its_activations_trains_as_PyTorch_does_without_oneDNN(string optimizer)
    {
        Python.Require("torch", "python3-torch");
        double lr = optimizer == "adam" ? 0.003 : 0.05;
        string yaml = $"name: zoo\nmodel: torchscript\nmodel_file: {Path.Combine(ZooFolder().Path, "view.pt")}\ntrain_size: 256\ntest_size: 64\naugment: false\nepochs: 2\nthreads: 1\nseed: 3\n"
            + $"optimizer: {optimizer}\nmomentum: 0.9\nbatch_size: 32\ngrid:\n  lr: [{lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}]\n";
        DatasetPair data = DatasetLoader.Load(DataRequest.For(Plans.OneRun(yaml)));
        string torchResult = Path.Combine(Zoo(data).Path, $"view-{optimizer}.json");
        using var dir = new TempDir();
        dir.Write("s.yaml", yaml);

        CliResult result = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("reshapes convolution outputs with .view").And.Contain("without oneDNN"));
        using var theirs = JsonDocument.Parse(File.ReadAllText(torchResult));
        var ours = ResultsFile.Query<double>(dir.File("results/results.db"), "SELECT train_loss FROM epochs ORDER BY epoch").ToArray();
        Assert.That(Off(ours, Values(theirs.RootElement.GetProperty("losses")), Values(theirs.RootElement.GetProperty("float64").GetProperty("losses"))), Is.Null);
    }

    private static TempDir ZooFolder()
    {
        if (_zoo is null)
        {
            var dir = new TempDir();
            var (exit, output) = Python.Run($"import runpy, sys\nsys.argv = ['zoo.py', 'make', '{dir.Path}']\nrunpy.run_path('{Script}', run_name='__main__')\n", dir.Path);
            Assert.That(exit, Is.EqualTo(0), output);
            _zoo = dir;
        }
        return _zoo;
    }

    /// <summary>The zoo, trained by PyTorch once for every case (one Python process; the data are the same for all).</summary>
    private static TempDir Zoo(DatasetPair data)
    {
        TempDir dir = ZooFolder();
        if (!_trained)
        {
            WriteTrainingSet(data, dir.File("data.bin"));
            var (exit, output) = Python.Run(
                $"import runpy, sys\nsys.argv = ['zoo.py', 'train-all', '{dir.Path}', '{dir.File("data.bin")}', '32', '3', '2']\nrunpy.run_path('{Script}', run_name='__main__')\n", dir.Path);
            Assert.That(exit, Is.EqualTo(0), output);
            _trained = true;
        }
        return dir;
    }

    /// <summary>The training images as the trainer feeds them (normalised float32), then the labels (int64).</summary>
    private static void WriteTrainingSet(DatasetPair data, string path)
    {
        using var scope = NewDisposeScope();
        using var images = new ImageTensors(data, CPU);
        using var stream = File.Create(path);
        stream.Write(images.Normalise(images.TrainImages).contiguous().bytes);
        stream.Write(images.TrainLabels.contiguous().bytes);
    }

    private sealed class FinalState : ITrainingCheckpoints
    {
        public byte[]? Model { get; private set; }

        public int Restore(ITrainingState state) => 0;

        public void EpochEnded(int epoch, ITrainingState state)
        {
        }

        public void TrainingEnded(ITrainingState state)
        {
            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                state.WriteModel(writer);
            }
            Model = buffer.ToArray();
        }
    }

    private sealed class SilentObserver : ITrainingObserver
    {
        public void OnStart(int resumedFromEpoch)
        {
        }

        public void OnWarning(string message) => Assert.Fail(message);

        public void OnBatch(int epoch, int batch, int batches)
        {
        }

        public void OnEpoch(EpochMetrics metrics)
        {
        }
    }
}
