using Sweep.Kernel;
using Sweep.Reporting;
using Sweep.Spec;
using Sweep.Storage;
using Sweep.Tests.Support;

namespace Sweep.Tests.Reporting;

public sealed class ReferenceComparisonTests
{
    private const string Reference = """
        # hand-made: AUC falls with batch size at lr 1e-4 and rises at 1e-3
        lr,batch_size,test_auc
        0.0001,16,0.96
        0.0001,32,0.95
        0.0001,64,0.94
        0.001,16,0.91
        0.001,32,0.93
        0.001,64,0.95
        0.01,16,0.5
        """;

    private static ReportData Ours(Func<double, long, long, double> auc)
    {
        var runs = new List<RunRow>();
        foreach (double lr in new[] { 0.0001, 0.001 })
        {
            foreach (long batch in new[] { 16L, 32L, 64L })
            {
                for (long seed = 0; seed < 3; seed++)
                {
                    var config = Plans.OneRun($"batch_size: {batch}\nseed: {seed}\ngrid:\n  lr: [{lr}]\n");
                    runs.Add(new RunRow
                    {
                        RunId = $"{lr}-{batch}-{seed}", Status = RunStatus.Completed, Optimizer = "adam", Lr = lr, BatchSize = batch, Seed = seed,
                        FinalTestAuc = auc(lr, batch, seed), FinalTestLoss = 1, ConfigJson = config.ToJson(),
                    });
                }
            }
        }
        return new ReportData("s", runs, new Dictionary<string, IReadOnlyList<EpochRow>>());
    }

    [Test]
    public void Same_directions_beyond_the_seed_spread_agree_and_unmatched_rows_are_listed()
    {
        var table = ReferenceTable.Parse(Reference, "ref.csv");
        // Ours: lower overall (another data set), same shapes, seeds ±0.001.
        var comparison = ReferenceComparison.Of(table, Ours((lr, b, seed) => (lr < 5e-4 ? 0.9 - b / 1000.0 : 0.8 + b / 1000.0) + (seed - 1) * 0.001));

        Assert.That(comparison.Groups.Select(g => (g.Label, g.Cells.Count)), Is.EqualTo(new[] { ("lr=1e-3", 3), ("lr=1e-4", 3) }));
        Assert.That(comparison.Groups[1].Cells[0].Ours.Mean, Is.EqualTo(0.884).Within(1e-12));
        Assert.That(comparison.Groups[1].Cells[0].Ours.Std, Is.EqualTo(0.001).Within(1e-12));
        var findings = comparison.Findings();
        Assert.That(findings, Has.Some.StartsWith("lr=1e-4: as batch size grows, the reference's test_auc falls and ours falls, −")
            .And.Some.Contains("— the same direction; rank correlation 1 over 3 cells, too few for an interval"));
        Assert.That(findings, Has.Some.StartsWith("lr=1e-3: as batch size grows, the reference's test_auc rises and ours rises, +"));
        Assert.That(findings, Has.Some.StartsWith("Intervals are 97.5% each, so that all 2 groups hold together at 95% (Bonferroni)"));
        Assert.That(string.Join("\n", findings), Does.Not.Contain("over all"), "cells of different groups are never pooled");
        Assert.That(findings, Has.Some.Contains("1 reference rows match none of our completed runs: line 9 (lr=1e-2, batch_size=16)"));
        Assert.That(findings[0], Does.Contain("absolute numbers are not expected to agree"));
    }

    [Test]
    public void Steps_within_the_seed_spread_ask_for_more_seeds()
    {
        var table = ReferenceTable.Parse(Reference, "ref.csv");
        var comparison = ReferenceComparison.Of(table, Ours((lr, b, seed) => 0.9 + b / 1e5 + (seed - 1) * 0.01));

        Assert.That(comparison.Findings(), Has.Some.Contains("ours has no resolved trend, ").And.Some.Contains("— not resolved"));
    }

    [Test]
    public void The_rank_correlation_and_its_interval_match_scipy()
    {
        Python.Require("scipy", "python3-scipy");
        double[] x = [0.91, 0.88, 0.93, 0.80, 0.85, 0.79, 0.95, 0.90];
        double[] y = [0.52, 0.50, 0.61, 0.41, 0.47, 0.49, 0.66, 0.48];
        var (code, output) = Python.Run($$"""
            import math
            from scipy import stats
            x = [{{string.Join(", ", x.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))}}]
            y = [{{string.Join(", ", y.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))}}]
            rho = stats.spearmanr(x, y).correlation
            se = math.sqrt((1 + rho * rho / 2) / (len(x) - 3))
            q = stats.norm.ppf(0.975)
            print(repr(rho), repr(math.tanh(math.atanh(rho) - q * se)), repr(math.tanh(math.atanh(rho) + q * se)))
            """, Environment.CurrentDirectory);
        Assert.That(code, Is.EqualTo(0), output);
        double[] expected = output.Trim().Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        var (rho, low, high) = ReferenceComparison.RankCorrelation(x.Zip(y).ToList(), 0.95);

        Assert.That(new[] { rho, low, high }, Is.EqualTo(expected).Within(1e-6), "the normal quantile is Student's t at 1e9 degrees of freedom");
        Assert.That(double.IsNaN(ReferenceComparison.RankCorrelation(x.Zip(y).Take(3).ToList(), 0.95).Low), Is.True, "three cells give no interval");
    }
}
