using Sweep.Kernel;

namespace Sweep.Spec;

/// <summary>
/// One built-in or user model, as everything before training needs it: its name in a sweep file,
/// the cost model's weights, the settings only it reads, and what it allows. Its constructor is
/// the one entry for it in <c>Training/ModelFactory</c> (a test checks every kind has one).
/// </summary>
/// <param name="Name">The value of <c>model:</c>.</param>
/// <param name="ComputeWeight">Training cost per pixel of an image, relative to small-cnn (measured on this machine's CPU).</param>
/// <param name="Parameters">Estimated parameter count for a run's data shape (sizes a fused pack's slice).</param>
/// <param name="ActivationsPerPixel">Estimated activation floats per input pixel and image (sizes a fused pack's slice).</param>
/// <param name="OwnSettings">Settings only this model reads: elsewhere they are inert and a grid over them is planned once.</param>
/// <param name="ReadsModelFile">Whether the model comes from <c>model_file</c> (hashed into the run id, checked by running it, never fused).</param>
/// <param name="SmallestSide">Smallest image side the model takes (each 2×2 pool halves it); null: found by running the model.</param>
/// <param name="SmallestBatch">Smallest batch size it trains with (batch norm needs two images).</param>
/// <param name="FusesSlowerOnCpu">Measured: its fused packs trained slower than separate runs on a 2-core CPU.</param>
internal sealed class ModelKind(
    string Name,
    double ComputeWeight,
    Func<RunConfig, DatasetInfo, double> Parameters,
    Func<RunConfig, double> ActivationsPerPixel,
    IReadOnlyList<string> OwnSettings,
    bool ReadsModelFile = false,
    int? SmallestSide = null,
    int SmallestBatch = 1,
    bool FusesSlowerOnCpu = false)
{
    public string Name { get; } = Name;
    public double ComputeWeight { get; } = ComputeWeight;
    public Func<RunConfig, DatasetInfo, double> Parameters { get; } = Parameters;
    public Func<RunConfig, double> ActivationsPerPixel { get; } = ActivationsPerPixel;
    public IReadOnlyList<string> OwnSettings { get; } = OwnSettings;
    public bool ReadsModelFile { get; } = ReadsModelFile;
    public int? SmallestSide { get; } = SmallestSide;
    public int SmallestBatch { get; } = SmallestBatch;
    public bool FusesSlowerOnCpu { get; } = FusesSlowerOnCpu;

    public override string ToString() => Name;
}

/// <summary>Every model a sweep file may name, each declared once.</summary>
internal static class ModelCatalog
{
    public static readonly ModelKind SmallCnn = new("small-cnn", 1, (_, _) => 1.1e5, _ => 64.0, [], SmallestSide: 4);

    public static readonly ModelKind SeedCnn = new("seed-cnn", 30, (_, d) => 9.5e6 * d.Channels * d.Height * d.Width / 3072.0, _ => 200.0,
        ["final_relu"], SmallestSide: 8, FusesSlowerOnCpu: true);

    public static readonly ModelKind Vgg = new("vgg", 20, (c, _) => 9.2e6 * Math.Pow(c.VggWidth / 64.0, 2), c => c.VggWidth * 4.0,
        ["vgg_depth", "vgg_width"], SmallestSide: 1, SmallestBatch: 2);

    public static readonly ModelKind TorchScript = new("torchscript", 1, (_, _) => 1.1e5, _ => 200.0, ["init"], ReadsModelFile: true);

    public static readonly IReadOnlyList<ModelKind> All = [SmallCnn, SeedCnn, Vgg, TorchScript];

    public static ModelKind Default => SmallCnn;

    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToList();

    /// <summary>The kind a (validated) run names.</summary>
    public static ModelKind Named(string name) =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new SweepInputException($"Unknown model '{name}'; known: {string.Join(", ", Names)}.");
}
