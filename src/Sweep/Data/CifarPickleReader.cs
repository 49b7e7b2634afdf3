using System.Collections;
using Razorvine.Pickle.Objects;
using Razorvine.Pickle;
using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>
/// Reads the python layout of CIFAR-10 (cifar-10-batches-py, what torchvision downloads): each
/// batch is a protocol-2 pickle of a dict with 'data' (a numpy uint8 array, N × 3072) and
/// 'labels'. Razorvine.Pickle does the unpickling and never runs Python code; it is taught only
/// numpy's array and dtype reconstruction. Anything else in the file — any other class — is
/// refused, because a pickle is a program in Python and must not become one here.
/// </summary>
internal static class CifarPickleReader
{
    private const int ImageBytes = 3 * 32 * 32;

    static CifarPickleReader()
    {
        // Razorvine keeps its constructor registry in a static table; register once.
        foreach (string module in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
        {
            Unpickler.registerConstructor(module, "_reconstruct", new NumpyArrayConstructor());
        }
        Unpickler.registerConstructor("numpy", "ndarray", new NumpyTypeMarker());
        Unpickler.registerConstructor("numpy", "dtype", new NumpyDTypeConstructor());
    }

    public static (ImageSet Train, ImageSet Test) Load(string dir)
    {
        var trainFiles = Enumerable.Range(1, 5).Select(i => Path.Combine(dir, $"data_batch_{i}")).ToList();
        return (Read(trainFiles), Read([Path.Combine(dir, "test_batch")]));
    }

    public static ImageSet Read(IReadOnlyList<string> files)
    {
        var pixels = new List<byte>();
        var labels = new List<byte>();
        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                throw new SweepInputException($"{file} is missing; the CIFAR-10 python folder needs data_batch_1 to data_batch_5 and test_batch.");
            }
            var (batchPixels, batchLabels) = ReadBatch(file);
            pixels.AddRange(batchPixels);
            labels.AddRange(batchLabels);
        }
        return new ImageSet(pixels.ToArray(), labels.ToArray(), 3, 32, 32);
    }

    /// <summary>An official batch pickle is about 31 MB; a larger file is refused before it is read.</summary>
    private const long MaxBatchBytes = 64L << 20;

    public static (byte[] Pixels, byte[] Labels) ReadBatch(string file)
    {
        long size = new FileInfo(file).Length;
        if (size > MaxBatchBytes)
        {
            throw new SweepInputException($"{file} is {size} bytes, more than a CIFAR-10 python batch ({MaxBatchBytes} at most); download the data again.");
        }
        object root;
        try
        {
            using var stream = File.OpenRead(file);
            using var unpickler = new Unpickler();
            root = unpickler.load(stream);
        }
        // The unpickler is a third-party parser of untrusted bytes: the mutation fuzz test found it
        // throwing IOException, FormatException and NullReferenceException on damaged files besides its
        // own PickleException. Whatever it throws means the bytes are not a batch (the size is capped above).
        catch (Exception ex) when (ex is not SweepInputException)
        {
            Exception innermost = ex;
            while (innermost.InnerException != null)
            {
                innermost = innermost.InnerException;
            }
            string reason = innermost.Message.TrimEnd('.');
            throw new SweepInputException($"{file} is not a CIFAR-10 python batch ({reason}); download the data again.");
        }
        RefuseForeignObjects(root, file, depth: 0);
        if (root is not IDictionary dict)
        {
            throw new SweepInputException($"{file} does not hold a dict; it is not a CIFAR-10 python batch.");
        }
        if (Get(dict, "data") is not NumpyArray data || Get(dict, "labels") is not IList labelList)
        {
            throw new SweepInputException($"{file} has no 'data' array and 'labels' list; it is not a CIFAR-10 python batch.");
        }
        if (data.Shape.Length != 2 || data.Shape[1] != ImageBytes || data.Shape[0] != labelList.Count)
        {
            throw new SweepInputException($"{file} holds an array of shape ({string.Join(", ", data.Shape)}) for {labelList.Count} labels; a CIFAR-10 batch is N × 3072 with N labels.");
        }
        var labels = new byte[labelList.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            long label = Convert.ToInt64(labelList[i], System.Globalization.CultureInfo.InvariantCulture);
            labels[i] = label is >= 0 and <= 9 ? (byte)label
                : throw new SweepInputException($"{file} has label {label} at position {i}; CIFAR-10 labels are 0 to 9.");
        }
        return (data.Data, labels);
    }

    /// <summary>Python 2 pickles have str keys, Python 3 ones may have bytes keys.</summary>
    private static object? Get(IDictionary dict, string key) =>
        dict.Contains(key) ? dict[key] : dict.Keys.Cast<object>().Where(k => k is byte[] b && System.Text.Encoding.ASCII.GetString(b) == key).Select(k => dict[k]).FirstOrDefault();

    private static void RefuseForeignObjects(object? value, string file, int depth)
    {
        switch (value)
        {
            case ClassDict foreign:
                throw new SweepInputException($"{file} contains a Python object of type {foreign.ClassName}; Sweep reads only CIFAR-10 batches (dicts of numpy uint8 arrays, label lists and strings) and refuses anything else.");
            case IObjectConstructor constructor when constructor is not NumpyTypeMarker:
                throw new SweepInputException($"{file} references a Python callable ({constructor.GetType().Name}); Sweep reads only CIFAR-10 batches and refuses anything else.");
            case IDictionary dict when depth < 4:
                foreach (DictionaryEntry entry in dict)
                {
                    RefuseForeignObjects(entry.Key, file, depth + 1);
                    RefuseForeignObjects(entry.Value, file, depth + 1);
                }
                break;
            case IList list when depth < 4 && value is not byte[]:
                foreach (object? item in list)
                {
                    RefuseForeignObjects(item, file, depth + 1);
                }
                break;
        }
    }
}
