namespace Sweep.Kernel;

/// <summary>
/// A test-set metric the report, halving, reference tables and exports can rank or compare by: its
/// name (as in sweep files, options and CSV), which way is better, whether it is a fraction from 0
/// to 1, and its columns in the results database. Declared once here; every list of metrics and
/// every "which way is better" derives from <see cref="All"/>.
/// </summary>
internal sealed record Metric(string Name, bool LowerIsBetter, bool IsFraction, string EpochColumn, string FinalColumn)
{
    public static readonly Metric TestLoss = new("test_loss", LowerIsBetter: true, IsFraction: false, "test_loss", "final_test_loss");
    public static readonly Metric TestAccuracy = new("test_accuracy", LowerIsBetter: false, IsFraction: true, "test_accuracy", "final_test_accuracy");
    public static readonly Metric TestAuc = new("test_auc", LowerIsBetter: false, IsFraction: true, "test_auc", "final_test_auc");

    /// <summary>The validation set's (validation_size): what successive halving ranks by when a plan has one.</summary>
    public static readonly Metric ValLoss = new("val_loss", LowerIsBetter: true, IsFraction: false, "val_loss", "best_val_loss");
    public static readonly Metric ValAccuracy = new("val_accuracy", LowerIsBetter: false, IsFraction: true, "val_accuracy", "");

    /// <summary>The test metrics, in the order options and messages list them: reported, exported, compared with references.</summary>
    public static IReadOnlyList<Metric> All { get; } = [TestLoss, TestAccuracy, TestAuc];

    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToList();

    /// <summary>What a choice may rank by: the test metrics and, with a validation set, its loss and accuracy.</summary>
    public static IReadOnlyList<Metric> Ranking { get; } = [.. All, ValLoss, ValAccuracy];

    public static IReadOnlyList<string> RankingNames { get; } = Ranking.Select(m => m.Name).ToList();

    public bool NeedsValidation => Name.StartsWith("val_", StringComparison.Ordinal);

    /// <summary>The metric of a name validated against <see cref="RankingNames"/>.</summary>
    public static Metric Named(string name) => Ranking.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"'{name}' is not one of {string.Join(", ", RankingNames)}", nameof(name));
}
