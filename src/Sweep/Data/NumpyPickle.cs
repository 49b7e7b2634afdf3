using System.Text;
using Razorvine.Pickle;

namespace Sweep.Data;

// What a pickled numpy array becomes: numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')
// creates an empty array, then BUILD calls __setstate__((version, shape, dtype, fortran, raw)).
// Razorvine finds __setstate__ by reflection. Only uint8 data is accepted: it is all CIFAR uses.

/// <summary>A numpy uint8 array read from a pickle.</summary>
internal sealed class NumpyArray
{
    public long[] Shape { get; private set; } = [];

    public byte[] Data { get; private set; } = [];

    public void __setstate__(object[] state)
    {
        if (state.Length != 5 || state[1] is not object[] shape || state[2] is not NumpyDType dtype)
        {
            throw new PickleException("unexpected numpy array state");
        }
        if (dtype.Code is not ("u1" or "|u1" or "uint8"))
        {
            throw new PickleException($"numpy array of dtype {dtype.Code}; only uint8 is supported");
        }
        Shape = shape.Select(d => Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        // Python 2 pickles carry the bytes as a str (decoded byte for byte), Python 3 ones as bytes.
        Data = state[4] switch
        {
            byte[] bytes => bytes,
            string text => Encoding.Latin1.GetBytes(text),
            _ => throw new PickleException("numpy array data is neither bytes nor str"),
        };
        long expected;
        try
        {
            expected = Shape.Any(d => d < 0) ? -1 : Shape.Aggregate(1L, (a, b) => checked(a * b));
        }
        catch (OverflowException)
        {
            expected = -1;
        }
        if (expected != Data.LongLength)
        {
            throw new PickleException($"numpy array of shape ({string.Join(", ", Shape)}) holds {Data.LongLength} bytes instead of {expected}");
        }
    }
}

/// <summary>A numpy dtype read from a pickle: numpy.dtype('u1', False, True) then BUILD with its state.</summary>
internal sealed class NumpyDType(string code)
{
    public string Code { get; } = code;

    public void __setstate__(object[] state)
    {
        // (version, byte order, subarray, names, fields, itemsize, alignment, flags): nothing to keep.
    }
}

internal sealed class NumpyArrayConstructor : IObjectConstructor
{
    public object construct(object[] args) => new NumpyArray();
}

internal sealed class NumpyDTypeConstructor : IObjectConstructor
{
    public object construct(object[] args) =>
        args.Length >= 1 && args[0] is string code ? new NumpyDType(code) : throw new PickleException("unexpected numpy dtype arguments");
}

/// <summary>Stands for numpy.ndarray, which a pickle names as the first argument of _reconstruct.</summary>
internal sealed class NumpyTypeMarker : IObjectConstructor
{
    public object construct(object[] args) => throw new PickleException("numpy.ndarray cannot be constructed directly");
}
