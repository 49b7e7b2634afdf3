using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Sweep.Native;

/// <summary>
/// libtorch's fused optimizer kernels (<c>torch._fused_adam_</c>, <c>_fused_adamw_</c>,
/// <c>_fused_sgd_</c>: what PyTorch's <c>fused=True</c> runs), which TorchSharp 0.107 does not
/// expose. Each reads a parameter, its gradient and its state once and writes them once: an Adam
/// step in one pass over memory instead of the twenty-odd passes that a chain of tensor
/// operations makes (on the seed CNN that is about 15 ms against 50, and this machine is bound by
/// memory speed there). They are called through libtorch's dispatcher by their exported C++
/// names, so device checks and the CUDA kernels come with them.
/// </summary>
/// <remarks>
/// The calling convention is the Itanium C++ ABI on x86-64: a <c>TensorList</c> (c10::ArrayRef) is
/// a (pointer, length) pair passed by value; an <c>at::Tensor</c> is one pointer to its
/// TensorImpl, and a TorchSharp tensor handle points at an <c>at::Tensor</c>, so an array of those
/// pointers is a borrowed array of tensors (the kernels take no ownership); an absent
/// <c>std::optional&lt;Tensor&gt;</c> is 16 zero bytes passed by reference. Callers must hold the
/// TorchSharp tensors alive and gradient recording off (<c>no_grad</c>) during the call.
/// </remarks>
internal static unsafe class FusedOptimizerKernels
{
    private const string AdamName = "_ZN2at4_ops12_fused_adam_4callEN3c108ArrayRefINS_6TensorEEES5_S5_S5_S5_S5_dddddbbRKSt8optionalIS4_ES9_";
    private const string AdamWName = "_ZN2at4_ops13_fused_adamw_4callEN3c108ArrayRefINS_6TensorEEES5_S5_S5_S5_S5_dddddbbRKSt8optionalIS4_ES9_";
    private const string SgdName = "_ZN2at4_ops11_fused_sgd_4callEN3c108ArrayRefINS_6TensorEEES5_S5_ddddbbbRKSt8optionalIS4_ES9_";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct TensorList(nint data, nint length)
    {
        public readonly nint Data = data;
        public readonly nint Length = length;
    }

    [StructLayout(LayoutKind.Sequential, Size = 16)]
    private struct AbsentTensor
    {
        private readonly nint _payload;
        private readonly byte _engaged;
    }

    private static readonly Lazy<(nint Adam, nint AdamW, nint Sgd)?> Entry = new(Resolve);

    /// <summary>Null when this libtorch has the fused kernels, otherwise why not.</summary>
    public static string? Unavailable => Entry.Value is null
        ? "the libtorch loaded by TorchSharp does not export its fused optimizer kernels (_fused_adam_, _fused_adamw_, _fused_sgd_)"
        : null;

    /// <summary>
    /// One Adam (or AdamW, with <paramref name="decoupled"/>) step over every tensor of the lists,
    /// in place. <paramref name="steps"/> holds the step number (counted from 1) as a float
    /// scalar per tensor, as torch's optimizer state does.
    /// </summary>
    public static void Adam(bool decoupled, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, IReadOnlyList<Tensor> firstMoments,
        IReadOnlyList<Tensor> secondMoments, IReadOnlyList<Tensor> steps, double lr, double beta1, double beta2, double weightDecay, double epsilon)
    {
        var entry = Entry.Value ?? throw new InvalidOperationException(Unavailable);
        int n = parameters.Count;
        nint* buffer = stackalloc nint[5 * n];
        TensorList p = Fill(buffer, parameters), g = Fill(buffer + n, gradients), m = Fill(buffer + 2 * n, firstMoments),
            v = Fill(buffer + 3 * n, secondMoments), s = Fill(buffer + 4 * n, steps);
        AbsentTensor none = default;
        var call = (delegate* unmanaged[Cdecl]<TensorList, TensorList, TensorList, TensorList, TensorList, TensorList,
            double, double, double, double, double, byte, byte, AbsentTensor*, AbsentTensor*, void>)(decoupled ? entry.AdamW : entry.Adam);
        call(p, g, m, v, new TensorList(0, 0), s, lr, beta1, beta2, weightDecay, epsilon, 0, 0, &none, &none);
        GC.KeepAlive(parameters);
        GC.KeepAlive(gradients);
        GC.KeepAlive(firstMoments);
        GC.KeepAlive(secondMoments);
        GC.KeepAlive(steps);
    }

    /// <summary>
    /// One SGD step in place; <paramref name="momentumBuffers"/> is empty when momentum is 0. On
    /// the first step (<paramref name="firstStep"/>) a buffer takes the gradient itself, as torch does.
    /// </summary>
    public static void Sgd(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, IReadOnlyList<Tensor> momentumBuffers,
        double weightDecay, double momentum, double lr, bool nesterov, bool firstStep)
    {
        var entry = Entry.Value ?? throw new InvalidOperationException(Unavailable);
        int n = parameters.Count;
        nint* buffer = stackalloc nint[3 * n];
        TensorList p = Fill(buffer, parameters), g = Fill(buffer + n, gradients), b = Fill(buffer + 2 * n, momentumBuffers);
        AbsentTensor none = default;
        var call = (delegate* unmanaged[Cdecl]<TensorList, TensorList, TensorList, double, double, double, double, byte, byte, byte, AbsentTensor*, AbsentTensor*, void>)entry.Sgd;
        call(p, g, b, weightDecay, momentum, lr, 0, nesterov ? (byte)1 : (byte)0, 0, firstStep ? (byte)1 : (byte)0, &none, &none);
        GC.KeepAlive(parameters);
        GC.KeepAlive(gradients);
        GC.KeepAlive(momentumBuffers);
    }

    private static TensorList Fill(nint* slots, IReadOnlyList<Tensor> tensors)
    {
        for (int i = 0; i < tensors.Count; i++)
        {
            slots[i] = TensorIdentity.Of(tensors[i]);
        }
        return new TensorList((nint)slots, tensors.Count);
    }

    private static (nint, nint, nint)? Resolve() =>
        LibTorch.TryGetExport(AdamName, out nint adam) && LibTorch.TryGetExport(AdamWName, out nint adamW) && LibTorch.TryGetExport(SgdName, out nint sgd)
            ? (adam, adamW, sgd)
            : null;
}
