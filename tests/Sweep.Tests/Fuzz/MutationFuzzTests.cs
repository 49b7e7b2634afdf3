using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Sweep.Data;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Running;
using Sweep.Training;
using Sweep.Tests.Support;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sweep.Tests.Fuzz;

/// <summary>
/// Every reader of outside bytes, fed thousands of seeded mutations of a valid file: each must end
/// in success or the project's input error (for checkpoints, the "unreadable, start over" error the
/// trainer handles), never another exception, a hang or a huge allocation. A failure names the seed
/// and the mutation so it can be replayed.
/// </summary>
public sealed class MutationFuzzTests
{
    private const int Cases = 500;
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    private const string ValidSweep = """
        name: fuzz
        dataset: fashion-mnist-mini
        model: small-cnn
        optimizer: adam
        train_size: 100
        test_size: 50
        epochs: 2
        lr_schedule: cosine
        grid:
          lr: {logspace: [1e-4, 1e-1, 4]}
          batch_size: [16, 64]
          seed: [1, 2]
        """;

    [Test]
    public void Sweep_files() => Fuzz(Encoding.UTF8.GetBytes(ValidSweep), (dir, bytes) =>
        SweepPlanner.Parse(Encoding.UTF8.GetString(bytes), Path.Combine(dir, "s.yaml")));

    [TestCase(false)]
    [TestCase(true)]
    public void Idx_image_and_label_files(bool gzip)
    {
        var images = new MemoryStream();
        IdxFile.WriteImages(images, Enumerable.Range(0, 3 * 5 * 4).Select(i => (byte)i).ToArray(), 3, 5, 4);
        var labels = new MemoryStream();
        IdxFile.WriteLabels(labels, [1, 2, 3]);
        string name = gzip ? "f.gz" : "f";
        Fuzz(gzip ? Gzip(images.ToArray()) : images.ToArray(), (dir, bytes) => IdxFile.ReadImages(Write(dir, name, bytes)));
        Fuzz(gzip ? Gzip(labels.ToArray()) : labels.ToArray(), (dir, bytes) => IdxFile.ReadLabels(Write(dir, name, bytes)));
    }

    [Test]
    public void Cifar_binary_batches()
    {
        byte[] batch = new byte[3 * 3073];
        for (int i = 0; i < 3; i++)
        {
            batch[i * 3073] = (byte)(i + 4);
        }
        Fuzz(batch, (dir, bytes) => CifarBinaryReader.Read([Write(dir, "data_batch_1.bin", bytes)]));
    }

    [Test]
    public void Cifar_python_batches() =>
        Fuzz(PickleWriter.CifarBatch(Enumerable.Range(0, 3072 * 2).Select(i => (byte)i).ToArray(), [3, 7]),
            (dir, bytes) => CifarPickleReader.ReadBatch(Write(dir, "data_batch_1", bytes)));

    [Test]
    public void Tar_gz_archives()
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "cifar/"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "cifar/a.bin") { DataStream = new MemoryStream(new byte[700]) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "cifar/b.txt") { DataStream = new MemoryStream("hello"u8.ToArray()) });
        }
        // Mutate the tar inside the gzip as well as the gzip itself.
        Fuzz(Gzip(tar.ToArray()), (dir, bytes) => SafeTarExtractor.Extract(Write(dir, "a.tar.gz", bytes), Path.Combine(dir, "out")));
        Fuzz(tar.ToArray(), (dir, bytes) => SafeTarExtractor.Extract(Write(dir, "a.tar.gz", Gzip(bytes)), Path.Combine(dir, "out")));
    }

    [Test]
    public void Checkpoints()
    {
        var config = Plans.OneRun("model: small-cnn\ndataset: fashion-mnist-mini\noptimizer: adam\ngrid:\n  lr: [0.001]\n");
        DatasetInfo info = KnownDatasets.Describe(config.Dataset);
        using var model = ModelFactory.Create(config, info, CPU);
        using var optimizer = new InPlaceOptimizer(model.parameters(), [config], CPU);
        var state = new ModelState(model, optimizer);
        using var source = new TempDir();
        var store = new CheckpointStore(source.Path);
        store.ForRun("run1", 0, null).EpochEnded(1, state);
        byte[] valid = File.ReadAllBytes(store.PathFor("run1"));

        Fuzz(valid, (dir, bytes) =>
        {
            var checkpoints = new CheckpointStore(dir);
            File.WriteAllBytes(checkpoints.PathFor("run1"), bytes);
            int epoch = checkpoints.LatestEpoch("run1", 5, _ => { });
            if (epoch > 0)
            {
                checkpoints.ForRun("run1", epoch, null).Restore(state);
            }
        }, typeof(InvalidDataException));
    }

    private static void Fuzz(byte[] valid, Action<string, byte[]> read, Type? alsoAccepted = null)
    {
        using var dir = new TempDir();
        read(dir.Path, valid); // the unmutated file is read without error
        int inputErrors = 0;
        for (int seed = 0; seed < Cases; seed++)
        {
            var (bytes, what) = Mutator.Mutate(valid, seed);
            string caseDir = Path.Combine(dir.Path, seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(caseDir);
            var run = Task.Run(() => read(caseDir, bytes));
            var clock = Stopwatch.StartNew();
            try
            {
                if (!run.Wait(PerCase))
                {
                    Assert.Fail($"seed {seed} ({what}): still reading after {PerCase.TotalSeconds} s");
                }
            }
            catch (AggregateException all) when (all.InnerException is SweepInputException || all.InnerException?.GetType() == alsoAccepted)
            {
                inputErrors++;
            }
            catch (AggregateException all)
            {
                Assert.Fail($"seed {seed} ({what}): {all.InnerException!.GetType().Name}: {all.InnerException.Message}\n{all.InnerException.StackTrace}");
            }
            Directory.Delete(caseDir, recursive: true);
        }
        // Most mutations must be caught: a reader that accepted everything would not be reading.
        Assert.That(inputErrors, Is.GreaterThan(Cases / 10), "mutations refused as input errors");
    }

    private static string Write(string dir, string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }
        return output.ToArray();
    }
}
