using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>The paper's design in miniature, through the command line: facets, AUC and the reference side by side.</summary>
public sealed class ReferenceSweepTests
{
    [Test]
    public void A_sweep_with_a_reference_reports_it_beside_ours_even_after_the_files_are_gone()
    {
        using var dir = new TempDir();
        dir.Write("exp/ref.csv", "# made up\noptimizer,lr,batch_size,test_auc\nadam,0.001,16,0.97\nadam,0.001,32,0.96\nsgd,0.001,16,0.95\nsgd,0.001,32,0.96\nsgd,0.1,16,0.5\n");
        string sweep = dir.Write("exp/s.yaml", "name: mini-paper\ntrain_size: 200\ntest_size: 100\nepochs: 1\nreference: ref.csv\ngrid:\n  optimizer: [adam, sgd]\n  lr: [0.001]\n  batch_size: [16, 32]\n");
        string db = dir.File("out/results.db");

        CliResult run = InProcessCli.Run("sweep", sweep, "--db", db);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE final_test_auc BETWEEN 0 AND 1;"), Is.EqualTo(4));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM epochs WHERE test_auc IS NULL;"), Is.EqualTo(0));
        string summary = File.ReadAllText(dir.File("out/summary.md"));
        Assert.That(summary, Does.Contain("## Against the reference"));
        Assert.That(summary, Does.Contain("optimizer=adam, lr=1e-3: as batch size grows"));
        Assert.That(summary, Does.Contain("line 7 (optimizer=sgd, lr=1e-1, batch_size=16)"));
        Assert.That(summary, Does.Contain("[optimizer=sgd] "));
        Assert.That(summary, Does.Contain("| run_id | optimizer | lr |"));
        using (var png = new PngImage(dir.File("out/reference_vs_ours_by_batch_size.png")))
        {
            Assert.That(png.InkFraction(), Is.InRange(0.01, 0.9));
        }
        Assert.That(File.Exists(dir.File("out/final_test_auc_vs_batch_size__optimizer-adam.png")));

        Directory.Delete(dir.File("exp"), recursive: true);
        File.Delete(dir.File("out/summary.md"));
        CliResult report = InProcessCli.Run("report", "--db", db);

        Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
        Assert.That(File.ReadAllText(dir.File("out/summary.md")), Does.Contain("## Against the reference"));
    }

    [Test]
    public void A_bad_reference_file_stops_the_sweep_before_anything_is_written()
    {
        using var dir = new TempDir();
        dir.Write("ref.csv", "lr,test_auc\n0.001,97\n");
        string sweep = dir.Write("s.yaml", "name: s\nreference: ref.csv\ngrid:\n  lr: [0.001]\n");

        CliResult run = InProcessCli.Run("sweep", sweep, "--db", dir.File("out/results.db"));

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr.Trim(), Is.EqualTo($"error: {dir.File("ref.csv")}:2: test_auc 97 is outside 0 to 1; write a fraction (0.9677, not 96.77)."));
        Assert.That(Directory.Exists(dir.File("out")), Is.False);
    }
}
