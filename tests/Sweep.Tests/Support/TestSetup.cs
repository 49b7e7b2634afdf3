using System.Runtime.CompilerServices;

namespace Sweep.Tests.Support;

internal static class TestSetup
{
    /// <summary>Tests may call TorchSharp before touching any Sweep type; load the libstdc++ shim first.</summary>
    [ModuleInitializer]
    internal static void LoadNativeCompat() => Sweep.Native.GlibcxxCompat.EnsureLoaded();
}
