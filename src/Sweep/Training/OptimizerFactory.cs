using Sweep.Kernel;
using Sweep.Spec;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>Builds the optimizer a run names.</summary>
internal static class OptimizerFactory
{
    public static optim.Optimizer Create(RunConfig config, IEnumerable<Parameter> parameters) => config.Optimizer switch
    {
        "adam" => optim.Adam(parameters, config.Lr, weight_decay: config.WeightDecay),
        "adamw" => optim.AdamW(parameters, config.Lr, weight_decay: config.WeightDecay),
        "sgd" => optim.SGD(parameters, config.Lr, momentum: config.Momentum, weight_decay: config.WeightDecay, nesterov: config.Nesterov),
        _ => throw new SweepInputException($"Unknown optimizer '{config.Optimizer}'; known: {string.Join(", ", Choices.Optimizers)}."),
    };
}
