using Sweep.Data;
using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Data;

public sealed class CifarPickleReaderTests
{
    [Test]
    public void Reads_a_python2_style_batch_exactly_as_the_official_files_are_written()
    {
        using var dir = new TempDir();
        byte[] data = Enumerable.Range(0, 3 * 3072).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(dir.File("data_batch_1"), PickleWriter.CifarBatch(data, [3, 1, 4]));

        var (pixels, labels) = CifarPickleReader.ReadBatch(dir.File("data_batch_1"));

        Assert.That(labels, Is.EqualTo(new byte[] { 3, 1, 4 }));
        Assert.That(pixels, Is.EqualTo(data));
    }

    [Test]
    public void Genuine_numpy_pickles_and_the_binary_layout_of_the_same_images_read_the_same()
    {
        Python.RequireNumpy();
        using var dir = new TempDir();
        var (code, output) = Python.Run("""
            import os, pickle, numpy as np
            rng = np.random.default_rng(1)
            os.makedirs('cifar-10-batches-py'); os.makedirs('cifar-10-batches-bin')
            for name in ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']:
                n = 20 if name != 'test_batch' else 10
                data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
                labels = [int(x) for x in rng.integers(0, 10, n)]
                with open('cifar-10-batches-py/' + name, 'wb') as f:
                    pickle.dump({'batch_label': name, 'labels': labels, 'data': data, 'filenames': ['x.png'] * n}, f, protocol=2)
                with open('cifar-10-batches-bin/' + name + '.bin', 'wb') as f:
                    for i in range(n):
                        f.write(bytes([labels[i]]) + data[i].tobytes())
            with open('cifar-10-batches-py/batches.meta', 'wb') as f:
                pickle.dump({'label_names': ['airplane'] * 10, 'num_cases_per_batch': 20, 'num_vis': 3072}, f, protocol=2)
            """, dir.Path);
        Assert.That(code, Is.EqualTo(0), output);

        var fromPickle = CifarPickleReader.Load(dir.File("cifar-10-batches-py"));
        var fromBinary = CifarBinaryReader.Load(dir.File("cifar-10-batches-bin"));

        Assert.That(fromPickle.Train.Count, Is.EqualTo(100));
        Assert.That(fromPickle.Test.Count, Is.EqualTo(10));
        Assert.That(fromPickle.Train.Pixels, Is.EqualTo(fromBinary.Train.Pixels));
        Assert.That(fromPickle.Train.Labels, Is.EqualTo(fromBinary.Train.Labels));
        Assert.That(fromPickle.Test.Pixels, Is.EqualTo(fromBinary.Test.Pixels));
        // data_dir may name the folder above (torchvision's root) or the data set's folder itself.
        Assert.That(DatasetLoader.Load("cifar10", dir.Path, null, null).Train.Count, Is.EqualTo(100));
        Assert.That(DatasetLoader.Load("cifar10", dir.File("cifar-10-batches-bin"), null, null).Test.Count, Is.EqualTo(10));
    }

    [Test]
    public void A_pickle_that_calls_a_function_is_refused()
    {
        using var dir = new TempDir();
        // cos.system('touch PWNED'): what a malicious "data batch" would do in Python.
        var w = new PickleWriter().Op(0x80).Op(2).Global("os", "system").Str("touch " + dir.File("PWNED")).Op(0x85).Op((byte)'R').Op((byte)'.');
        File.WriteAllBytes(dir.File("data_batch_1"), w.Bytes);

        var error = Assert.Throws<SweepInputException>(() => CifarPickleReader.ReadBatch(dir.File("data_batch_1")))!;

        Assert.That(error.Message, Does.Contain("is not a CIFAR-10 python batch").Or.Contain("refuses anything else"));
        Assert.That(File.Exists(dir.File("PWNED")), Is.False);
    }

    [Test]
    public void A_pickle_with_any_other_class_is_refused()
    {
        using var dir = new TempDir();
        // {'data': collections.OrderedDict(), 'labels': []}
        var w = new PickleWriter().Op(0x80).Op(2).Op((byte)'}').Op((byte)'(')
            .Str("data").Global("collections", "OrderedDict").Op((byte)')').Op((byte)'R')
            .Str("labels").Op((byte)']').Op((byte)'u').Op((byte)'.');
        File.WriteAllBytes(dir.File("data_batch_1"), w.Bytes);

        var error = Assert.Throws<SweepInputException>(() => CifarPickleReader.ReadBatch(dir.File("data_batch_1")))!;

        Assert.That(error.Message, Does.Contain("contains a Python object of type collections.OrderedDict").And.Contain("refuses anything else"));
    }

    [Test]
    public void An_array_whose_bytes_do_not_match_its_shape_is_refused()
    {
        using var dir = new TempDir();
        byte[] bytes = PickleWriter.CifarBatch(new byte[3072 * 2], [1, 2]);
        // Claim three images while holding two: patch the shape's first dimension (BININT1 2 → 3).
        int shape = Array.IndexOf(bytes, (byte)'M') - 2;
        bytes[shape + 1] = 3;
        File.WriteAllBytes(dir.File("data_batch_1"), bytes);

        var error = Assert.Throws<SweepInputException>(() => CifarPickleReader.ReadBatch(dir.File("data_batch_1")))!;

        Assert.That(error.Message, Does.Contain("holds 6144 bytes instead of 9216"));
    }
}
