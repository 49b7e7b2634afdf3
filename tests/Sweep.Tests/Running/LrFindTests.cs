using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Running;

/// <summary>The LR range test: its suggestions on hand-made curves, and the real command on tiny data.</summary>
public sealed class LrFindTests
{
    [Test]
    public void Suggestions_on_a_hand_made_curve_steepest_descent_and_minimum_over_ten()
    {
        // A loss flat at 2, falling fastest around lr 1e-3, lowest at 1e-2, then rising.
        var points = new List<LrPoint>();
        double average = 0;
        bool stopped = false;
        // 50 steps per decade: the moving average lags about 50 steps (β = 0.98), so the
        // suggestions sit within about a decade of the raw curve's features.
        for (int step = 1; step <= 300 && !stopped; step++)
        {
            double lr = LrCurve.LrAt(step, 300, 1e-6, 1);
            double x = Math.Log10(lr);
            double loss = x < -2 ? 1 + 1 / (1 + Math.Exp(6 * (x + 3))) : 1 + 30 * Math.Pow(x + 2, 2);
            stopped = LrCurve.Next(points, ref average, lr, loss).Stop;
        }
        var curve = new LrCurve(points, stopped);

        Assert.That(curve.StoppedEarly, Is.True, "the loss rises past 4 × its minimum before lr 1");
        Assert.That(Math.Log10(curve.SteepestDescent()!.Value), Is.InRange(-3.0, -2.0), "the raw loss falls fastest at 1e-3; smoothing moves it later");
        Assert.That(Math.Log10(curve.MinimumOverTen()!.Value), Is.InRange(-3.0, -2.0), "the raw minimum is at 1e-2 (÷ 10 = 1e-3), smoothed later");
        Assert.That(points[0].Smoothed, Is.EqualTo(points[0].Loss).Within(1e-12), "bias-corrected: the first smoothed value is the first loss");
    }

    [Test]
    public void The_command_stores_a_curve_per_batch_size_draws_it_and_stops_when_the_loss_diverges()
    {
        using var dir = new TempDir();
        string file = dir.Write("s.yaml", "name: lf\ntrain_size: 1200\ntest_size: 100\nthreads: 1\ngrid:\n  lr: [0.001, 0.01]\n  batch_size: [16, 64]\n");
        string db = dir.File("results/results.db");

        CliResult result = InProcessCli.Run("lr-find", file, "--db", db, "--steps", "60", "--start-lr", "1e-5", "--end-lr", "10000");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output(), Does.Contain("batch 16: suggested lr").And.Contain("batch 64: suggested lr"));
        Assert.That(ResultsFile.Query<long>(db, "SELECT batch_size FROM lr_finds ORDER BY batch_size"), Is.EqualTo(new long[] { 16, 64 }),
            "one test per batch size; the learning-rate axis is ignored");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT min(stopped_early) FROM lr_finds"), Is.EqualTo(1), "a learning rate rising to 1e4 diverges before the last step");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT max(step) FROM lr_find_points"), Is.LessThan(60));
        var lrs = ResultsFile.Query<double>(db, "SELECT lr FROM lr_find_points p JOIN lr_finds f USING (lr_find_id) WHERE f.batch_size = 16 ORDER BY step");
        Assert.That(lrs[0], Is.EqualTo(1e-5).Within(1e-12));
        Assert.That(lrs.Zip(lrs.Skip(1)).All(p => p.Second > p.First), Is.True, "the learning rate rises every step");
        double steepest = ResultsFile.Scalar<double>(db, "SELECT suggested_lr_steepest FROM lr_finds WHERE batch_size = 16");
        Assert.That(steepest, Is.InRange(1e-4, 1), "Adam on Fashion-MNIST learns fastest between 1e-4 and 1");
        using var png = new PngImage(dir.File("results/lr_find.png"));
        Assert.That(png.Width, Is.EqualTo(900));
        Assert.That(png.InkFraction(), Is.GreaterThan(0.01), "curves are drawn");
    }

    [Test]
    public void The_report_reads_each_batch_sizes_suggestion_to_mark_it_on_the_figures_against_lr()
    {
        using var dir = new TempDir();
        string file = dir.Write("s.yaml", "name: lf\ntrain_size: 600\ntest_size: 100\nepochs: 1\nthreads: 1\ngrid:\n  lr: [0.01, 0.001]\n  batch_size: [16, 64]\n");
        string db = dir.File("results/results.db");
        Assert.That(InProcessCli.Run("sweep", file, "--db", db, "--no-report").ExitCode, Is.EqualTo(0));
        Assert.That(InProcessCli.Run("lr-find", file, "--db", db, "--steps", "30", "--start-lr", "1e-5", "--end-lr", "1").ExitCode, Is.EqualTo(0));

        using var store = Sweep.Storage.ResultsStore.OpenForReading(db);
        var data = Sweep.Reporting.ReportData.Read(new Sweep.Storage.ReportReads(store), "lf");

        Assert.That(data.SuggestedLr.Keys, Is.EquivalentTo(new long[] { 16, 64 }));
        Assert.That(data.SuggestedLr.Values, Is.EqualTo(ResultsFile.Query<double>(db, "SELECT suggested_lr_steepest FROM lr_finds ORDER BY batch_size")));
        CliResult report = InProcessCli.Run("report", "--db", db);
        Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
    }

    [Test]
    public void A_loss_that_never_falls_suggests_nothing_and_no_suggestion_lies_below_the_start()
    {
        static LrCurve Curve(Func<double, double> lossAt, double start, double end)
        {
            var points = new List<LrPoint>();
            double average = 0;
            bool stopped = false;
            for (int step = 1; step <= 100 && !stopped; step++)
            {
                double lr = LrCurve.LrAt(step, 100, start, end);
                stopped = LrCurve.Next(points, ref average, lr, lossAt(lr)).Stop;
            }
            return new LrCurve(points, stopped);
        }

        // Rising from the first step: SGD started far above any rate that trains.
        LrCurve rising = Curve(lr => 2 + lr, 100, 1e6);
        Assert.That(rising.NeverFell, Is.True);
        Assert.That(rising.SteepestDescent(), Is.Null);
        Assert.That(rising.MinimumOverTen(), Is.Null, "a tenth of the first rate would be below --start-lr, and the loss never fell");
        Assert.That(Sweep.Running.LrFinder.Describe(64, rising, 100), Does.Contain("none (the loss never fell), none by minimum ÷ 10"));

        // Lowest at 3 × the start: a tenth of it is below the range tested.
        LrCurve early = Curve(lr => 1 + Math.Pow(Math.Log10(lr / 3e-4), 2), 1e-4, 1);
        Assert.That(early.NeverFell, Is.False);
        Assert.That(early.MinimumOverTen(), Is.Null);
        Assert.That(Sweep.Running.LrFinder.Describe(64, early, 100), Does.Contain("within a decade of --start-lr: start lower"));

        // Lowest at 1e-2 of a range from 1e-6: a tenth of it, 1e-3, is inside.
        LrCurve inside = Curve(lr => 1 + Math.Pow(Math.Log10(lr / 1e-2), 2), 1e-6, 1);
        Assert.That(inside.MinimumOverTen(), Is.InRange(1e-3, 1e-1), "a tenth of the smoothed minimum (smoothing lags it later), inside the range");
    }

    [Test]
    public void A_model_that_raises_at_a_batch_size_ends_lr_find_with_one_line_and_exit_2_and_a_failed_run_stores_what_it_raised()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(RepoPaths.Root, "tests", "fixtures", "torchscript", "throws-at-large-batches.pt"), dir.File("net.pt"));
        string file = dir.Write("s.yaml", "name: raises\ntrain_size: 200\ntest_size: 100\nepochs: 1\nthreads: 1\nmodel: torchscript\nmodel_file: net.pt\ngrid:\n  batch_size: [16, 64]\n");
        string db = dir.File("results/results.db");

        CliResult result = SweepCli.Run(dir.Path, "lr-find", "s.yaml", "--steps", "10");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), result.Stderr);
        Assert.That(result.Stderr, Does.Contain("the LR range test at batch_size 64 failed: RuntimeError: this model takes at most 32 images per batch (make_preflight_fixtures.py line")
            .And.Contain("batch size 16 is stored"));
        Assert.That(ResultsFile.Query<long>(db, "SELECT batch_size FROM lr_finds"), Is.EqualTo(new long[] { 16 }));

        CliResult sweep = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");
        Assert.That(sweep.ExitCode, Is.EqualTo(1), sweep.ToString());
        Assert.That(ResultsFile.Query<string>(db, "SELECT error FROM runs WHERE batch_size = 64"),
            Has.One.StartsWith("RuntimeError: this model takes at most 32 images per batch (make_preflight_fixtures.py line").And.One.Contains("in forward)"));
    }
}
