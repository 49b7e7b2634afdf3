using Sweep.Kernel;

namespace Sweep.Spec;

/// <summary>
/// One optimizer a sweep file may name. Its update is <c>Training/InPlaceOptimizer</c>'s, chosen by
/// <see cref="Update"/>; the settings only it reads are inert for the others.
/// </summary>
internal sealed class OptimizerKind(string name, OptimizerUpdate update, IReadOnlyList<string> ownSettings)
{
    public string Name { get; } = name;
    public OptimizerUpdate Update { get; } = update;
    public IReadOnlyList<string> OwnSettings { get; } = ownSettings;

    public override string ToString() => Name;
}

/// <summary>The update rule an optimizer applies (weight decay: added to the gradient, or decoupled as in AdamW).</summary>
internal enum OptimizerUpdate
{
    Adam,
    AdamDecoupledDecay,
    Sgd,
}

/// <summary>Every optimizer, each declared once.</summary>
internal static class OptimizerCatalog
{
    public static readonly OptimizerKind Adam = new("adam", OptimizerUpdate.Adam, []);
    public static readonly OptimizerKind AdamW = new("adamw", OptimizerUpdate.AdamDecoupledDecay, []);
    public static readonly OptimizerKind Sgd = new("sgd", OptimizerUpdate.Sgd, ["momentum"]);

    public static readonly IReadOnlyList<OptimizerKind> All = [Adam, AdamW, Sgd];

    public static OptimizerKind Default => Adam;

    public static IReadOnlyList<string> Names { get; } = All.Select(o => o.Name).ToList();

    public static OptimizerKind Named(string name) =>
        All.FirstOrDefault(o => o.Name == name) ?? throw new SweepInputException($"Unknown optimizer '{name}'; known: {string.Join(", ", Names)}.");
}
