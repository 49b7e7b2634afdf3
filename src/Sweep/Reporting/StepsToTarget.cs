using System.Globalization;
using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>One batch size of a steps-to-target sweep: its best learning rate and the steps each seed took there.</summary>
internal sealed record BatchSteps(long BatchSize, double BestLr, IReadOnlyList<long> Steps);

/// <summary>
/// Shallue et al. (2019)'s measurement: for each batch size the learning rate that reaches the target
/// in the fewest steps (every seed must reach it), and the fit S(B) = S_min (1 + B_crit / B) over those
/// runs — a least-squares line of steps against 1 / B, whose intercept is S_min (steps at an infinite
/// batch), whose slope is E_min = S_min · B_crit (training images at a batch of one), and B_crit = E_min
/// / S_min, the batch size beyond which doubling it no longer nearly halves the steps. Intervals are
/// Student's t on n − 2 degrees of freedom (B_crit's by the delta method). Runs that never reached the
/// target are listed, never dropped silently.
/// </summary>
internal sealed record StepsToTarget(
    IReadOnlyList<BatchSteps> Batches, IReadOnlyList<RunRow> Unreached, Estimate? MinSteps, Estimate? MinExamples, Estimate? CriticalBatch)
{
    public static StepsToTarget? Of(ReportData data)
    {
        var withTarget = data.Runs.Where(r => ReportData.SettingsOf(r).GetValueOrDefault("target_metric") is { } m && m != "none").ToList();
        if (withTarget.Count == 0)
        {
            return null;
        }
        var unreached = withTarget.Where(r => r.TargetSteps is null).OrderBy(r => r.BatchSize).ThenBy(r => r.Lr).ThenBy(r => r.Seed).ToList();
        var batches = withTarget.GroupBy(r => r.BatchSize).OrderBy(g => g.Key)
            .Select(g => g.GroupBy(r => r.Lr)
                .Where(lr => lr.All(r => r.TargetSteps is not null))
                .Select(lr => new BatchSteps(g.Key, lr.Key, lr.Select(r => r.TargetSteps!.Value).ToList()))
                .MinBy(b => b.Steps.Average()))
            .Where(b => b is not null).Select(b => b!).ToList();
        var points = batches.SelectMany(b => b.Steps.Select(s => (X: 1.0 / b.BatchSize, Y: (double)s))).ToList();
        var fit = LineFit.Of(points);
        if (fit is null || batches.Count < 2)
        {
            return new StepsToTarget(batches, unreached, null, null, null);
        }
        return new StepsToTarget(batches, unreached, fit.Intercept, fit.Slope, fit.Ratio);
    }

    /// <summary>The report's sentences on it.</summary>
    public IReadOnlyList<string> Findings()
    {
        var lines = new List<string>();
        string perBatch = string.Join(", ", Batches.Select(b => $"batch {b.BatchSize}: {F(b.Steps.Average())} steps at lr={RunConfig.FormatLr(b.BestLr)} ({b.Steps.Count} seeds)"));
        lines.Add(Batches.Count == 0
            ? "Steps to target: no batch size had a learning rate at which every seed reached the target."
            : $"Steps to target, fewest over the learning rates at which every seed reached it: {perBatch}.");
        if (CriticalBatch is { } critical && MinSteps is { } steps && MinExamples is { } examples)
        {
            lines.Add($"Fit S(B) = S_min (1 + B_crit / B) (Shallue et al. 2019), 95% intervals: S_min = {steps} steps, E_min = {examples} training images, "
                + $"critical batch size B_crit = {critical}: up to about B_crit, doubling the batch nearly halves the steps; beyond it, it buys little.");
        }
        else if (Batches.Count > 0)
        {
            lines.Add("Fitting S(B) needs at least two batch sizes and three runs that reached the target.");
        }
        if (Unreached.Count > 0)
        {
            lines.Add($"{Unreached.Count} runs never reached the target within their epochs (their steps are NULL in the database): "
                + string.Join(", ", Unreached.Select(r => $"lr={RunConfig.FormatLr(r.Lr)} batch {r.BatchSize} seed {r.Seed}")) + ".");
        }
        return lines;
    }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}

/// <summary>A value with its 95% interval.</summary>
internal sealed record Estimate(double Value, double Low, double High)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value:G4} [{Low:G4}, {High:G4}]");
}

/// <summary>Least squares y = a + b x with t intervals on a, b and the ratio b / a (delta method).</summary>
internal sealed record LineFit(Estimate Intercept, Estimate Slope, Estimate Ratio)
{
    public static LineFit? Of(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 3 || points.Select(p => p.X).Distinct().Count() < 2)
        {
            return null;
        }
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        double b = points.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
        double a = my - b * mx;
        int df = points.Count - 2;
        double s2 = points.Sum(p => Math.Pow(p.Y - (a + b * p.X), 2)) / df;
        double varB = s2 / sxx, varA = s2 * (1.0 / points.Count + mx * mx / sxx), covAB = -mx * s2 / sxx;
        double t = StudentT.Quantile(0.975, df);
        double ratio = b / a;
        double varRatio = varB / (a * a) + b * b * varA / Math.Pow(a, 4) - 2 * b * covAB / Math.Pow(a, 3);
        return new LineFit(
            new Estimate(a, a - t * Math.Sqrt(varA), a + t * Math.Sqrt(varA)),
            new Estimate(b, b - t * Math.Sqrt(varB), b + t * Math.Sqrt(varB)),
            new Estimate(ratio, ratio - t * Math.Sqrt(Math.Max(0, varRatio)), ratio + t * Math.Sqrt(Math.Max(0, varRatio))));
    }
}
