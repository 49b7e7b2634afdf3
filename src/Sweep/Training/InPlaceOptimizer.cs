using Sweep.Kernel;
using Sweep.Native;
using Sweep.Spec;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// Adam, AdamW or SGD (momentum, Nesterov, weight decay) stepping in place over state allocated
/// once, with libtorch's fused kernels (PyTorch's <c>fused=True</c>): each step reads every
/// parameter, gradient and state tensor once and writes them once. A single run is a pack of one;
/// a fused pack of K runs views every parameter as (K, rest), slice k being run k's contiguous
/// block, and steps each slice with its own learning rate, momentum and weight decay. The update
/// rules are torch's; the fused kernel rounds in its own order (Adam's first moment is a lerp), so
/// it follows TorchSharp's optim.Adam / AdamW / SGD within float rounding (tested over 50 steps).
/// On the seed CNN an Adam step went from 44–58 ms (torch's twenty-odd separate passes over
/// memory) to the time of one pass (docs/performance-and-gpus.md, Speed).
/// </summary>
internal sealed class InPlaceOptimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly OptimizerUpdate _update;
    // Adam: the first and second moments; SGD: the momentum buffer and an unused second tensor,
    // kept so every optimizer's checkpoint has one layout.
    private readonly List<(Parameter Param, Tensor First, Tensor Second)> _state = [];
    private readonly IReadOnlyList<RunConfig> _runs;
    private readonly int _count;
    // The step number as torch keeps it (a float scalar), read by the Adam kernels.
    private readonly Tensor _stepNumber;
    // What each kernel call steps, made once: slice k of every parameter and state tensor (the
    // tensors themselves for a single run), and the step number once per parameter.
    private readonly Tensor[][] _parameterSlices, _firstSlices, _secondSlices;
    private readonly Tensor[] _stepNumbers;
    private double[] _lr;
    private long _step;

    public InPlaceOptimizer(IEnumerable<Parameter> parameters, IReadOnlyList<RunConfig> runs, Device device)
    {
        _update = runs[0].OptimizerKind.Update;
        if (FusedOptimizerKernels.Unavailable is { } why)
        {
            throw new InvalidOperationException($"Cannot train: {why}; Sweep needs the libtorch that its TorchSharp package brings.");
        }
        _runs = runs;
        _count = runs.Count;
        _lr = runs.Select(r => r.Lr).ToArray();
        _stepNumber = zeros(1, dtype: float32, device: device).DetachFromDisposeScope();
        foreach (Parameter p in parameters)
        {
            _state.Add((p, zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope()));
        }
        _parameterSlices = SlicesOf(_state.Select(s => (Tensor)s.Param));
        _firstSlices = SlicesOf(_state.Select(s => s.First));
        _secondSlices = SlicesOf(_state.Select(s => s.Second));
        _stepNumbers = Enumerable.Repeat(_stepNumber, _state.Count).ToArray();
    }

    /// <summary>Sets each slice's learning rate for the coming steps (0 freezes a slice).</summary>
    public void SetLearningRates(IReadOnlyList<double> rates) => _lr = rates.ToArray();

    /// <summary>
    /// Drops the gradients (PyTorch's zero_grad(set_to_none=True)): backward then hands each
    /// parameter its freshly computed gradient instead of adding it to a zeroed one, which saves
    /// two passes over every gradient (the seed CNN's step at batch 16: about 10 % faster).
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var (p, _, _) in _state)
        {
            p.grad = null;
        }
    }

    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _step++;
        _stepNumber.fill_(_step);
        Tensor?[] gradients = _state.Select(s => s.Param.grad).ToArray();
        // Parameters without a gradient (not used by this batch's loss) are left as they are.
        int[]? present = gradients.All(g => g is not null) ? null
            : Enumerable.Range(0, gradients.Length).Where(i => gradients[i] is not null).ToArray();
        Tensor[] Pick(Tensor[] all) => present is null ? all : present.Select(i => all[i]).ToArray();
        Tensor[] steps = Pick(_stepNumbers);
        for (int k = 0; k < _count; k++)
        {
            Tensor[] parameters = Pick(_parameterSlices[k]), first = Pick(_firstSlices[k]), second = Pick(_secondSlices[k]);
            Tensor[] slicedGradients = (present ?? Enumerable.Range(0, gradients.Length)).Select(i => Slice(gradients[i]!, k)).ToArray();
            RunConfig run = _runs[k];
            if (_update == OptimizerUpdate.Sgd)
            {
                FusedOptimizerKernels.Sgd(parameters, slicedGradients, run.Momentum != 0 ? first : [], run.WeightDecay, run.Momentum, _lr[k],
                    run.Nesterov, firstStep: _step == 1);
            }
            else
            {
                FusedOptimizerKernels.Adam(_update == OptimizerUpdate.AdamDecoupledDecay, parameters, slicedGradients, first, second, steps, _lr[k], Beta1, Beta2, run.WeightDecay, Epsilon);
            }
        }
    }

    // A single run steps whole tensors (any memory layout); slice k of a pack is a contiguous block.
    private Tensor Slice(Tensor tensor, int k) => _count == 1 ? tensor : tensor.view(_count, -1)[k];

    // [k][i]: slice k of tensor i, detached from autograd and kept for the optimizer's lifetime.
    private Tensor[][] SlicesOf(IEnumerable<Tensor> tensors)
    {
        using var scope = NewDisposeScope();
        Tensor[] detached = tensors.Select(t => t.detach()).ToArray();
        return Enumerable.Range(0, _count)
            .Select(k => detached.Select(t => Slice(t, k).DetachFromDisposeScope()).ToArray()).ToArray();
    }

    /// <summary>The optimizer state, for checkpoints: step, then each parameter's two state tensors.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(_step);
        foreach (var (_, first, second) in _state)
        {
            // As (K, rest), the layout checkpoints have always had.
            using Tensor firstRows = first.reshape(_count, -1), secondRows = second.reshape(_count, -1);
            firstRows.Save(writer);
            secondRows.Save(writer);
        }
    }

    public void Load(BinaryReader reader)
    {
        _step = reader.ReadInt64();
        foreach (var (_, first, second) in _state)
        {
            LoadRows(first, reader);
            LoadRows(second, reader);
        }
    }

    private void LoadRows(Tensor state, BinaryReader reader)
    {
        using Tensor rows = zeros(_count, state.numel() / _count, dtype: state.dtype, device: state.device);
        TensorExtensionMethods.Load(rows, reader);
        state.copy_(rows.view(state.shape));
    }

    public void Dispose()
    {
        foreach (var (_, first, second) in _state)
        {
            first.Dispose();
            second.Dispose();
        }
        foreach (Tensor slice in new[] { _parameterSlices, _firstSlices, _secondSlices }.SelectMany(slices => slices.SelectMany(k => k)))
        {
            slice.Dispose();
        }
        _stepNumber.Dispose();
    }
}
