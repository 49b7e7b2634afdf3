using Sweep.Tests.Support;
using Sweep.Training;

namespace Sweep.Tests.Cli;

/// <summary>The gradient noise scale: the estimator on a problem whose Σ and G are known, and the command on a tiny sweep.</summary>
public sealed class NoiseScaleTests
{
    [Test]
    public void The_two_batch_estimator_recovers_a_known_noise_scale_within_ten_percent()
    {
        // Per-example gradients g ~ N(G, Σ) in 20 dimensions: G = 0.1 everywhere (|G|² = 0.2),
        // Σ diagonal with variances 0.1, 0.2, …, 2.0 (tr Σ = 21): B_simple = 105.
        const int D = 20;
        var random = new Random(11);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        double SquaredNormOfMean(int batch)
        {
            var mean = new double[D];
            for (int i = 0; i < batch; i++)
            {
                for (int j = 0; j < D; j++)
                {
                    mean[j] += (0.1 + Math.Sqrt((j + 1) / 10.0) * Normal()) / batch;
                }
            }
            return mean.Sum(m => m * m);
        }

        NoiseScale scale = GradientNoiseScale.Estimate(SquaredNormOfMean, 8, 512, 400);

        Assert.That(scale.GradientSquared, Is.EqualTo(0.2).Within(10).Percent);
        Assert.That(scale.TraceSigma, Is.EqualTo(21).Within(10).Percent);
        Assert.That(scale.Simple, Is.EqualTo(105).Within(10).Percent);
    }

    [Test]
    public void The_command_measures_initial_and_saved_final_weights_stores_them_and_the_report_gives_them()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: noise\ntrain_size: 600\ntest_size: 100\nepochs: 2\nthreads: 1\nsave_model: true\ngrid:\n  lr: [0.003]\n  batch_size: [32, 64]\n");
        Assert.That(SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report").ExitCode, Is.EqualTo(0));

        CliResult noise = SweepCli.Run(dir.Path, "noise-scale", "s.yaml", "--small", "8", "--big", "256", "--repeats", "5");

        Assert.That(noise.ExitCode, Is.EqualTo(0), noise.ToString());
        Assert.That(noise.Stdout, Does.Contain("initial weights: B_simple ").And.Contain("final weights: B_simple "));
        string db = dir.File("results/results.db");
        Assert.That(ResultsFile.Query<string>(db, "SELECT state FROM noise_scales ORDER BY state"), Is.EqualTo(new[] { "final", "final", "init" }),
            "both runs start from seed 0's weights: one initial measurement, and one per saved final model");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM noise_scales WHERE NOT (b_simple > 0 AND trace_sigma > 0 AND g_squared > 0) OR abs(b_simple - trace_sigma / g_squared) > 1e-9 * b_simple"), Is.EqualTo(0));
        CliResult report = SweepCli.Run(dir.Path, "report");
        Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
        Assert.That(File.ReadAllText(dir.File("results/summary.md")), Does.Contain("Gradient noise scale B_simple = tr(Σ) / |G|²").And.Contain("at the end of training median"));
        CliResult bad = SweepCli.Run(dir.Path, "noise-scale", "s.yaml", "--small", "64", "--big", "32");
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.Stderr, Does.Contain("--big must be larger than --small"));
    }
}
