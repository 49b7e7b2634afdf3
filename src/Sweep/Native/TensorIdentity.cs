using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Sweep.Native;

/// <summary>
/// Which libtorch tensor a TorchSharp tensor wraps. Two wrappers of one tensor (a weight that two
/// layers of a TorchScript model share) have the same identity; TorchSharp's handles differ.
/// </summary>
internal static class TensorIdentity
{
    // A TorchSharp handle points at an at::Tensor, whose only field is its TensorImpl pointer.
    public static nint Of(Tensor tensor) => Marshal.ReadIntPtr(tensor.Handle);
}
