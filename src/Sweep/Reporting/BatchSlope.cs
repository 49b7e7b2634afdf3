using System.Globalization;
using Sweep.Kernel;

namespace Sweep.Reporting;

/// <summary>What an interval says about the claim "smaller batches reach a lower test loss".</summary>
internal enum SlopeReading
{
    /// <summary>The interval lies above zero: the loss rises with batch size.</summary>
    Holds,

    /// <summary>The interval lies below zero: the loss falls with batch size.</summary>
    Contradicted,

    /// <summary>The interval contains zero, or there are too few runs for one.</summary>
    NotResolved,
}

/// <summary>
/// The least-squares slope of a metric against log₂ batch size over every run (each seed a point),
/// with a two-sided confidence interval from Student's t on n − 2 degrees of freedom:
/// "per doubling of the batch size, the test loss changes by slope [low, high]".
/// </summary>
internal sealed record BatchSlope(double Slope, double Low, double High, int Runs, double Confidence)
{
    /// <param name="points">(batch size, metric) per run.</param>
    /// <param name="confidence">The interval's coverage, e.g. 0.95, or 1 − 0.05 / m for a Bonferroni correction over m tests.</param>
    /// <returns>Null when fewer than 3 runs or fewer than 2 batch sizes leave no interval.</returns>
    public static BatchSlope? Fit(IReadOnlyList<(long BatchSize, double Value)> points, double confidence)
    {
        var usable = points.Where(p => double.IsFinite(p.Value) && p.BatchSize > 0).ToList();
        if (usable.Count < 3 || usable.Select(p => p.BatchSize).Distinct().Count() < 2)
        {
            return null;
        }
        double[] x = usable.Select(p => Math.Log2(p.BatchSize)).ToArray();
        double[] y = usable.Select(p => p.Value).ToArray();
        double mx = x.Average(), my = y.Average();
        double sxx = x.Sum(v => (v - mx) * (v - mx));
        double slope = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum() / sxx;
        double intercept = my - slope * mx;
        double residual = x.Zip(y, (a, b) => Math.Pow(b - (intercept + slope * a), 2)).Sum();
        int df = usable.Count - 2;
        double standardError = Math.Sqrt(residual / df / sxx);
        double t = StudentT.Quantile(1 - (1 - confidence) / 2, df);
        return new BatchSlope(slope, slope - t * standardError, slope + t * standardError, usable.Count, confidence);
    }

    public SlopeReading Reading => Low > 0 ? SlopeReading.Holds : High < 0 ? SlopeReading.Contradicted : SlopeReading.NotResolved;

    /// <summary>"+0.012 per doubling [+0.004, +0.020]".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Signed(Slope)} per doubling [{Signed(Low)}, {Signed(High)}]");

    private static string Signed(double v) => v.ToString("+0.0000;−0.0000;0.0000", CultureInfo.InvariantCulture);
}
