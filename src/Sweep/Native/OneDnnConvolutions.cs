namespace Sweep.Native;

/// <summary>
/// libtorch's switch for oneDNN (torch.backends.mkldnn.enabled), called by its C++ name because
/// TorchSharp 0.107 does not expose it. Off, convolutions run on libtorch's own kernels: slower,
/// and used only for TorchScript models that must keep row-major activations (see
/// Training/TorchScriptNetwork), whose row-major oneDNN backward computed wrong gradients here.
/// </summary>
internal static class OneDnnConvolutions
{
    private const string SetEnabled = "_ZN2at7Context20setUserEnabledMkldnnEb";
    // Without oneDNN libtorch tries NNPACK first, which this CPU lacks: one warning per convolution call.
    private const string SetNnpackEnabled = "_ZN2at7Context20setUserEnabledNNPACKEb";

    /// <summary>Turns oneDNN off for the rest of the process; null when done, else why it could not be.</summary>
    public static unsafe string? Disable()
    {
        if (!LibTorch.TryGetGlobalContext(out nint context) || !LibTorch.TryGetExport(SetEnabled, out nint set))
        {
            return "this libtorch does not export its oneDNN switch";
        }
        ((delegate* unmanaged[Cdecl]<nint, byte, void>)set)(context, 0);
        if (LibTorch.TryGetExport(SetNnpackEnabled, out nint nnpack))
        {
            ((delegate* unmanaged[Cdecl]<nint, byte, void>)nnpack)(context, 0);
        }
        return null;
    }
}
