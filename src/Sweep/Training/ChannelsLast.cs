using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// Channels-last memory layout for activations. TorchSharp has no memory_format argument, but
/// libtorch reads the layout from the strides, so a permute → contiguous → permute round trip
/// gives a (B, C, H, W) tensor laid out as (B, H, W, C); ReLU, max-pooling and oneDNN's
/// convolutions keep that layout downstream. Max-pooling is several times faster that way on
/// CPU (docs/performance-and-gpus.md, "Speed").
/// </summary>
internal static class ChannelsLast
{
    /// <summary>True when a four-dimensional tensor is laid out (N, H, W, C) in memory.</summary>
    public static bool IsChannelsLast(Tensor tensor)
    {
        if (tensor.dim() != 4)
        {
            return false;
        }
        long[] shape = tensor.shape, stride = tensor.stride();
        long c = shape[1], h = shape[2], w = shape[3];
        return (c == 1 || stride[1] == 1) && (w == 1 || stride[3] == c) && (h == 1 || stride[2] == w * c) && (shape[0] == 1 || stride[0] == h * w * c);
    }

    public static Tensor Of(Tensor activations)
    {
        long c = activations.shape[1], h = activations.shape[2], w = activations.shape[3];
        // With one channel both layouts are the same bytes, and the round trip would keep NCHW
        // strides (a size-1 dimension's stride does not count for contiguity): restride instead.
        return c == 1 && activations.is_contiguous()
            ? activations.as_strided(activations.shape, [h * w, 1, w, 1])
            : activations.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }
}
