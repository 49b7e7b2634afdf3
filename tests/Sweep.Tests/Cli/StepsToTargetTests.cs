using System.Globalization;
using Sweep.Reporting;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>Steps to a target (Shallue et al. 2019): the runs through the real CLI, the fit against SciPy.</summary>
public sealed class StepsToTargetTests
{
    [Test]
    public void Runs_stop_at_their_target_an_unreached_one_stays_null_and_is_listed_and_the_fit_is_reported()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: target\ntrain_size: 1500\ntest_size: 200\nvalidation_size: 400\nepochs: 3\nthreads: 1\ndeterministic: true\n"
            + "target:\n  metric: val_accuracy\n  value: 0.65\n  every: 200\ngrid:\n  batch_size: [16, 64, 256]\n  lr: [0.003, 0.00001]\n");

        CliResult sweep = SweepCli.Run(dir.Path, "sweep", "s.yaml");

        Assert.That(sweep.ExitCode, Is.EqualTo(0), sweep.ToString());
        string db = dir.File("results/results.db");
        var reached = ResultsFile.Query<(long Batch, long Steps, long Examples, long Epochs)>(db,
            "SELECT batch_size, target_steps, target_examples, (SELECT count(*) FROM epochs e WHERE e.run_id = r.run_id) FROM runs r WHERE lr = 0.003 ORDER BY batch_size");
        Assert.That(reached.Select(r => r.Batch), Is.EqualTo(new long[] { 16, 64, 256 }), "lr 3e-3 reaches 65% validation accuracy at every batch size");
        foreach (var r in reached)
        {
            Assert.That(r.Examples, Is.InRange((r.Steps - 1) * r.Batch + 1, r.Steps * r.Batch), "images to target are those of the steps taken");
            Assert.That(r.Epochs, Is.EqualTo((r.Examples + 1499) / 1500), "the run stopped in the epoch it reached the target");
        }
        Assert.That(reached[0].Steps, Is.GreaterThan(reached[2].Steps), "larger batches take fewer steps");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE lr = 0.00001 AND target_steps IS NULL AND status = 'completed'"), Is.EqualTo(3),
            "lr 1e-5 never gets there in 3 epochs: completed, steps NULL");
        string summary = File.ReadAllText(dir.File("results/summary.md"));
        Assert.That(summary, Does.Contain("Steps to target, fewest over the learning rates at which every seed reached it: batch 16:"));
        Assert.That(summary, Does.Contain("3 runs never reached the target within their epochs (their steps are NULL in the database): lr=1e-5 batch 16 seed 0"));
        Assert.That(summary, Does.Contain("critical batch size B_crit = "));
        Assert.That(summary, Does.Contain("these runs stop when they reach the target, so their losses are the target's by design"));
        using var figure = new PngImage(dir.File("results/steps_to_target_vs_batch_size.png"));
        Assert.That(figure.InkFraction(), Is.GreaterThan(0.01));
    }

    [TestCase("target:\n  metric: val_loss\n  value: 0.3\n", "target_metric val_loss watches the validation set, but validation_size is not set")]
    [TestCase("target:\n  metric: test_loss\n", "'target' needs both 'metric' and 'value'")]
    [TestCase("target:\n  metric: test_accuracy\n  value: 90\n", "target_value 90 is not an accuracy")]
    [TestCase("target:\n  metric: test_loss\n  value: 0.3\n  evry: 100\n", "unknown key 'evry' in 'target'; did you mean 'every'?")]
    [TestCase("target_value: 0.3\n", "target_value or target_every is set without target_metric")]
    [TestCase("target:\n  metric: test_loss\n  value: 0.3\nhalving:\n  min_epochs: 1\nepochs: 3\n", "'halving' ranks runs at fixed epochs and 'target' stops each run")]
    public void A_bad_target_is_one_input_error(string block, string expected)
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", $"name: t\n{block}grid:\n  lr: [0.01, 0.001]\n");

        CliResult plan = SweepCli.Run(dir.Path, "plan", "s.yaml");

        Assert.That(plan.ExitCode, Is.EqualTo(2), plan.ToString());
        Assert.That(plan.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(plan.Stderr, Does.Contain(expected));
    }

    [Test]
    public void The_fit_of_steps_against_one_over_batch_size_matches_scipy()
    {
        Python.Require("scipy", "python3-scipy");
        // S(B) = 100 (1 + 256 / B) with ±3 % noise, three seeds per batch size.
        var random = new Random(5);
        var points = new[] { 16, 32, 64, 128, 256, 512, 1024 }
            .SelectMany(b => Enumerable.Range(0, 3).Select(_ => (X: 1.0 / b, Y: 100 * (1 + 256.0 / b) * (1 + 0.06 * (random.NextDouble() - 0.5))))).ToList();
        string xs = string.Join(", ", points.Select(p => p.X.ToString("R", CultureInfo.InvariantCulture)));
        string ys = string.Join(", ", points.Select(p => p.Y.ToString("R", CultureInfo.InvariantCulture)));
        var (code, output) = Python.Run($$"""
            import numpy as np
            from scipy import stats
            x = np.array([{{xs}}]); y = np.array([{{ys}}])
            f = stats.linregress(x, y)
            n = len(x); t = stats.t.ppf(0.975, n - 2)
            s2 = np.sum((y - f.intercept - f.slope * x) ** 2) / (n - 2)
            cov = -x.mean() * s2 / np.sum((x - x.mean()) ** 2)
            r = f.slope / f.intercept
            var_r = f.stderr ** 2 / f.intercept ** 2 + f.slope ** 2 * f.intercept_stderr ** 2 / f.intercept ** 4 - 2 * f.slope * cov / f.intercept ** 3
            print(*map(repr, [f.intercept, f.intercept - t * f.intercept_stderr, f.slope, f.slope + t * f.stderr, r, r - t * np.sqrt(var_r), r + t * np.sqrt(var_r)]))
            """, Environment.CurrentDirectory);
        Assert.That(code, Is.EqualTo(0), output);
        double[] expected = output.Trim().Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

        LineFit fit = LineFit.Of(points)!;

        Assert.That(new[] { fit.Intercept.Value, fit.Intercept.Low, fit.Slope.Value, fit.Slope.High, fit.Ratio.Value, fit.Ratio.Low, fit.Ratio.High },
            Is.EqualTo(expected).Within(1e-6).Percent);
        Assert.That(256.0, Is.InRange(fit.Ratio.Low, fit.Ratio.High), "B_crit's interval covers the true 256");
    }
}
