using Sweep.Spec;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// Adam, AdamW or SGD (momentum, Nesterov, weight decay) stepping in place over state allocated
/// once, for a single run (K = 1) and for a fused pack of K runs alike, with each run's own
/// learning rate, momentum and weight decay as a (K, 1) tensor applied to its slice. Every
/// parameter is viewed as (K, rest): slice k of every fused parameter is a contiguous block along
/// dimension 0. The update rules are torch's; Adam's last step is regrouped to save passes over
/// the parameters, so it follows torch's optim.Adam within float rounding (tested over 50 steps).
/// TorchSharp's own optimizers allocate temporaries every step: on the seed CNN their Adam step
/// took 72–179 ms against this one's 15–17 ms (README, Speed).
/// </summary>
internal sealed class InPlaceOptimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly string _kind;
    private readonly List<(Parameter Param, Tensor First, Tensor Second)> _state = [];
    // Scratch space for the update, one per parameter, so a step allocates nothing: fresh
    // temporaries of this size cost a page fault per 4 KiB on every step (perf: a quarter of the
    // fused trainer's page faults came from the optimizer's sqrt alone).
    private readonly List<Tensor> _scratch = [];
    private readonly bool _anyWeightDecay;
    private readonly Tensor _weightDecay;
    private readonly Tensor _momentum;
    private readonly bool _nesterov;
    private readonly int _count;
    private Tensor _lr;
    private readonly RunConfig _single;
    private double _singleLr;
    private long _step;

    public InPlaceOptimizer(IEnumerable<Parameter> parameters, IReadOnlyList<RunConfig> runs, Device device)
    {
        _kind = runs[0].Optimizer is "adam" or "adamw" or "sgd" ? runs[0].Optimizer
            : throw new Sweep.Kernel.SweepInputException($"Unknown optimizer '{runs[0].Optimizer}'; known: {string.Join(", ", Sweep.Kernel.Choices.Optimizers)}.");
        _nesterov = runs[0].Nesterov;
        _count = runs.Count;
        _single = runs[0];
        _singleLr = runs[0].Lr;
        _lr = Column(runs.Select(r => r.Lr), device);
        _weightDecay = Column(runs.Select(r => r.WeightDecay), device);
        _momentum = Column(runs.Select(r => r.Momentum), device);
        _anyWeightDecay = runs.Any(r => r.WeightDecay != 0);
        foreach (Parameter p in parameters)
        {
            _state.Add((p, zeros_like(p).view(_count, -1).DetachFromDisposeScope(), zeros_like(p).view(_count, -1).DetachFromDisposeScope()));
            _scratch.Add(zeros_like(p).view(_count, -1).DetachFromDisposeScope());
        }
    }

    /// <summary>Sets each slice's learning rate for the coming steps (0 freezes a slice).</summary>
    public void SetLearningRates(IReadOnlyList<double> rates)
    {
        _singleLr = rates[0];
        Tensor old = _lr;
        _lr = Column(rates, old.device);
        old.Dispose();
    }

    public void ZeroGrad()
    {
        foreach (var (p, _, _) in _state)
        {
            p.grad?.zero_();
        }
    }

    public void Step()
    {
        if (_count == 1)
        {
            StepOne();
            return;
        }
        using var noGrad = no_grad();
        _step++;
        // Adam's step, p -= (lr / c1) · m / (sqrt(v) / sqrt(c2) + eps), as one addcdiv over a
        // denominator that already holds the per-slice step size: sqrt(v) · a + b with
        // a = 1 / (sqrt(c2) · lr / c1) and b = eps / (lr / c1). Nine passes over the
        // parameters instead of twelve; a frozen slice (lr 0) gets an infinite denominator.
        using Tensor stepSize = _lr.div(1 - Math.Pow(Beta1, _step));
        using Tensor scale = stepSize.mul(Math.Sqrt(1 - Math.Pow(Beta2, _step))).reciprocal_();
        using Tensor offset = stepSize.reciprocal().mul_(Epsilon);
        for (int i = 0; i < _state.Count; i++)
        {
            var (param, first, second) = _state[i];
            Tensor scratch = _scratch[i];
            if (param.grad is not { } gradient)
            {
                continue;
            }
            using var scope = NewDisposeScope();
            Tensor p = param.detach().view(_count, -1);
            Tensor g = gradient.view(_count, -1);
            switch (_kind)
            {
                case "sgd":
                    if (_anyWeightDecay)
                    {
                        g = g.add(p.mul(_weightDecay));
                    }
                    // The first step takes the gradient itself, as torch does; afterwards buf = momentum·buf + g.
                    if (_step == 1)
                    {
                        first.copy_(g);
                    }
                    else
                    {
                        first.mul_(_momentum).add_(g);
                    }
                    Tensor direction = _nesterov ? scratch.copy_(g).addcmul_(first, _momentum, value: 1) : first;
                    p.addcmul_(direction, _lr, value: -1);
                    break;
                default:
                    if (_kind == "adamw")
                    {
                        p.mul_(_lr.mul(_weightDecay).neg_().add_(1));
                    }
                    else if (_anyWeightDecay)
                    {
                        g = g.add(p.mul(_weightDecay));
                    }
                    first.mul_(Beta1).add_(g, alpha: 1 - Beta1);
                    second.mul_(Beta2).addcmul_(g, g, value: 1 - Beta2);
                    p.addcdiv_(first, scratch.copy_(second).sqrt_().mul_(scale).add_(offset), value: -1);
                    break;
            }
        }
    }

    /// <summary>
    /// One run: torch's own update (TorchSharp's optim.Adam / AdamW / SGD), operation for
    /// operation with the same scalars, so the parameters match it bit for bit; only the
    /// temporaries are gone (the gradient is updated in place, the denominator goes to scratch).
    /// </summary>
    private void StepOne()
    {
        using var noGrad = no_grad();
        _step++;
        double lr = _singleLr, weightDecay = _single.WeightDecay, momentum = _single.Momentum;
        double correction1 = 1 - Math.Pow(Beta1, _step), correction2 = 1 - Math.Pow(Beta2, _step);
        for (int i = 0; i < _state.Count; i++)
        {
            var (param, first, second) = _state[i];
            if (param.grad is not { } gradient)
            {
                continue;
            }
            using var scope = NewDisposeScope();
            Tensor p = param.detach().view(1, -1);
            Tensor g = gradient.view(1, -1);
            if (_kind == "sgd")
            {
                if (weightDecay != 0)
                {
                    g.add_(p, alpha: weightDecay);
                }
                Tensor direction = g;
                if (momentum != 0)
                {
                    if (_step == 1)
                    {
                        first.copy_(g);
                    }
                    else
                    {
                        first.mul_(momentum).add_(g, alpha: 1);
                    }
                    direction = _nesterov ? g.add_(first, alpha: momentum) : first;
                }
                p.add_(direction, alpha: -lr);
                continue;
            }
            if (_kind == "adamw")
            {
                p.mul_(1 - lr * weightDecay);
            }
            else if (weightDecay != 0)
            {
                g.add_(p, alpha: weightDecay);
            }
            first.mul_(Beta1).add_(g, alpha: 1 - Beta1);
            second.mul_(Beta2).addcmul_(g, g, value: 1 - Beta2);
            Tensor denominator = _scratch[i].copy_(second).sqrt_().div_(Math.Sqrt(correction2)).add_(Epsilon);
            p.addcdiv_(first, denominator, value: -(lr / correction1));
        }
    }

    /// <summary>The optimizer state, for checkpoints: step, then each parameter's two moment tensors.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(_step);
        foreach (var (_, first, second) in _state)
        {
            first.Save(writer);
            second.Save(writer);
        }
    }

    public void Load(BinaryReader reader)
    {
        _step = reader.ReadInt64();
        foreach (var (_, first, second) in _state)
        {
            TensorExtensionMethods.Load(first, reader);
            TensorExtensionMethods.Load(second, reader);
        }
    }

    public void Dispose()
    {
        foreach (var (_, first, second) in _state)
        {
            first.Dispose();
            second.Dispose();
        }
        foreach (Tensor scratch in _scratch)
        {
            scratch.Dispose();
        }
        _lr.Dispose();
        _weightDecay.Dispose();
        _momentum.Dispose();
    }

    // The optimizer's tensors outlive any dispose scope it is called in (learning rates are set
    // per batch by the LR range test, inside a batch's scope).
    private static Tensor Column(IEnumerable<double> values, Device device) =>
        tensor(values.Select(v => (float)v).ToArray(), device: device).view(-1, 1).DetachFromDisposeScope();
}
