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
        double[] torchLosses = theirs.RootElement.GetProperty("losses").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.That(ours.Epochs.Select(e => e.TrainLoss), Is.EqualTo(torchLosses).Within(1e-3).Percent, "mean training loss per epoch");
        using var trained = ModelFactory.Create(config, KnownDatasets.Describe(config.Dataset), CPU);
        trained.load(new BinaryReader(new MemoryStream(final.Model!)));
        var state = theirs.RootElement.GetProperty("state");
        foreach (var (name, tensor) in trained.state_dict())
        {
            double[] expected = state.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            double[] actual = tensor.to(float64).contiguous().data<double>().ToArray();
            double scale = expected.Max(Math.Abs);
            // 1e-5 relative to the tensor's largest element: the fused kernels round in their own order.
            var off = actual.Zip(expected, (a, e) => Math.Abs(a - e)).Select((d, i) => (d, i)).Where(x => x.d > 1e-5 * Math.Max(scale, 1e-3)).ToList();
            Assert.That(off, Is.Empty, $"{name}: {off.Count} of {expected.Length} elements differ, first at {off.FirstOrDefault().i}: ours {actual.ElementAtOrDefault(off.FirstOrDefault().i)}, PyTorch {expected.ElementAtOrDefault(off.FirstOrDefault().i)}");
        }
    }

    /// <summary>The zoo's model files, written once by PyTorch.</summary>
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
