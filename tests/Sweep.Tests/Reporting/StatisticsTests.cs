using System.Globalization;
using Sweep.Kernel;
using Sweep.Reporting;
using Sweep.Tests.Support;

namespace Sweep.Tests.Reporting;

/// <summary>The statistics behind the verdict, checked against SciPy (Debian's python3-scipy, which scikit-learn brings).</summary>
public sealed class StatisticsTests
{
    [Test]
    public void Student_t_quantiles_and_cdf_match_scipy()
    {
        Python.Require("scipy", "python3-scipy");
        var cases = new (double P, double Df)[] { (0.975, 1), (0.975, 2), (0.975, 7), (0.99583333, 7), (0.995, 30), (0.9, 3.5), (0.025, 4), (0.5, 10), (0.999, 100) };
        string script = "from scipy import stats\n" + string.Join("\n", cases.Select(c =>
            string.Create(CultureInfo.InvariantCulture, $"print(repr(stats.t.ppf({c.P}, {c.Df})), repr(stats.t.cdf(1.3, {c.Df})))")));
        var (code, output) = Python.Run(script, Environment.CurrentDirectory);
        Assert.That(code, Is.EqualTo(0), output);
        var lines = output.Trim().Split('\n');
        for (int i = 0; i < cases.Length; i++)
        {
            var parts = lines[i].Split(' ');
            double ppf = double.Parse(parts[0], CultureInfo.InvariantCulture), cdf = double.Parse(parts[1], CultureInfo.InvariantCulture);
            Assert.That(StudentT.Quantile(cases[i].P, cases[i].Df), Is.EqualTo(ppf).Within(1e-7), $"ppf({cases[i].P}, {cases[i].Df})");
            Assert.That(StudentT.Cdf(1.3, cases[i].Df), Is.EqualTo(cdf).Within(1e-10), $"cdf(1.3, {cases[i].Df})");
        }
    }

    [Test]
    public void The_slope_against_log2_batch_size_and_its_interval_match_scipy_linregress()
    {
        Python.Require("scipy", "python3-scipy");
        var random = new Random(3);
        var points = new[] { 16L, 32, 64, 128, 256 }.SelectMany(b => Enumerable.Range(0, 3).Select(_ => (b, 0.3 + 0.01 * Math.Log2(b) + 0.02 * (random.NextDouble() - 0.5)))).ToList();
        string xs = string.Join(", ", points.Select(p => p.b.ToString(CultureInfo.InvariantCulture)));
        string ys = string.Join(", ", points.Select(p => p.Item2.ToString("R", CultureInfo.InvariantCulture)));
        var (code, output) = Python.Run($$"""
            import numpy as np
            from scipy import stats
            x = np.log2([{{xs}}]); y = np.array([{{ys}}])
            fit = stats.linregress(x, y)
            t = stats.t.ppf(1 - 0.05 / 2 / 4, len(x) - 2)
            print(repr(fit.slope), repr(fit.slope - t * fit.stderr), repr(fit.slope + t * fit.stderr))
            """, Environment.CurrentDirectory);
        Assert.That(code, Is.EqualTo(0), output);
        double[] expected = output.Trim().Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

        BatchSlope fit = BatchSlope.Fit(points, confidence: 1 - 0.05 / 4)!;

        Assert.That(new[] { fit.Slope, fit.Low, fit.High }, Is.EqualTo(expected).Within(1e-9));
        Assert.That(fit.Reading, Is.EqualTo(SlopeReading.Holds), "0.01 per doubling with ±0.01 noise over 15 runs is resolved");
    }

    [Test]
    public void Too_few_runs_give_no_interval_and_a_flat_noisy_grid_is_not_resolved()
    {
        Assert.That(BatchSlope.Fit([(16, 0.5), (64, 0.6)], 0.95), Is.Null, "two runs leave no degrees of freedom");
        Assert.That(BatchSlope.Fit([(16, 0.5), (16, 0.6), (16, 0.55)], 0.95), Is.Null, "one batch size has no slope");
        BatchSlope flat = BatchSlope.Fit([(16, 0.50), (16, 0.56), (64, 0.57), (64, 0.49), (256, 0.52), (256, 0.55)], 0.95)!;
        Assert.That(flat.Reading, Is.EqualTo(SlopeReading.NotResolved));
        BatchSlope falling = BatchSlope.Fit([(16, 0.60), (16, 0.61), (64, 0.50), (64, 0.51), (256, 0.40), (256, 0.41)], 0.95)!;
        Assert.That(falling.Reading, Is.EqualTo(SlopeReading.Contradicted));
        Assert.That(falling.Slope, Is.EqualTo(-0.05).Within(1e-12), "0.1 lower per two doublings");
    }
}
