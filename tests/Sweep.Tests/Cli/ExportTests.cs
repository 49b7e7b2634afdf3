using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>Exports checked with the real readers: Debian's Optuna 3.1 (with pandas and matplotlib) and Python's csv module.</summary>
public sealed class ExportTests
{
    private static readonly Lazy<(TempDir Dir, string Db)> Trained = new(() =>
    {
        var dir = new TempDir();
        // lr 10 with SGD diverges: a FAIL trial next to the COMPLETE ones.
        string sweep = dir.Write("s.yaml", "name: ex\ntrain_size: 200\ntest_size: 100\nepochs: 2\noptimizer: sgd\nrepeats: 2\ngrid:\n  lr: [0.01, 10]\n  batch_size: [16, 32]\n");
        string db = dir.File("r.db");
        CliResult run = InProcessCli.Run("sweep", sweep, "--db", db, "--no-report");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        return (dir, db);
    });

    [OneTimeTearDown]
    public void CleanUp()
    {
        if (Trained.IsValueCreated)
        {
            Trained.Value.Dir.Dispose();
        }
    }

    [Test]
    public void Optuna_opens_the_exported_study_and_sees_what_our_database_holds()
    {
        Python.Require("optuna", "python3-optuna");
        Python.Require("pandas", "python3-pandas");
        var (dir, db) = Trained.Value;
        string study = dir.File("study.db");

        CliResult first = InProcessCli.Run("export", "optuna", "--out", study, "--db", db, "--metric", "test_auc");
        CliResult second = InProcessCli.Run("export", "optuna", "--out", study, "--db", db, "--metric", "test_auc");

        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        var (code, output) = Python.Run($$"""
            import json, sqlite3, warnings
            warnings.simplefilter("ignore")
            import optuna, matplotlib
            matplotlib.use("Agg")
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            ours = sqlite3.connect("{{db}}")
            runs = {r[0]: r for r in ours.execute("select run_id, status, lr, batch_size, seed, final_test_auc from runs")}
            epochs = {}
            for run_id, epoch, auc in ours.execute("select run_id, epoch, test_auc from epochs"):
                epochs.setdefault(run_id, {})[epoch] = auc
            assert len(optuna.get_all_study_summaries("sqlite:///{{study}}")) == 1, "exporting twice keeps one study"
            study = optuna.load_study(study_name="ex", storage="sqlite:///{{study}}")
            assert study.direction == optuna.study.StudyDirection.MAXIMIZE
            assert len(study.trials) == len(runs) == 8, len(study.trials)
            assert sorted(t.number for t in study.trials) == list(range(8))
            states = {"completed": optuna.trial.TrialState.COMPLETE, "diverged": optuna.trial.TrialState.FAIL}
            for t in study.trials:
                run_id, status, lr, batch, seed, auc = runs[t.user_attrs["run_id"]]
                assert t.state == states[status], (t.state, status)
                assert t.user_attrs["seed"] == seed and t.user_attrs["status"] == status
                assert t.params == {"lr": lr, "batch_size": batch}, t.params
                assert t.distributions["lr"] == optuna.distributions.FloatDistribution(0.01, 10, log=True)
                assert t.distributions["batch_size"] == optuna.distributions.IntDistribution(16, 32)
                if status == "completed":
                    assert abs(t.value - auc) < 1e-12, (t.value, auc)
                    assert t.intermediate_values == epochs[run_id], (t.intermediate_values, epochs[run_id])
                assert t.datetime_start is not None and t.datetime_complete is not None
            frame = study.trials_dataframe()
            assert frame.shape[0] == 8 and "params_lr" in frame.columns
            optuna.visualization.matplotlib.plot_optimization_history(study).figure.savefig("history.png")
            print("ok", optuna.__version__, sum(t.state == optuna.trial.TrialState.FAIL for t in study.trials))
            """, dir.Path);

        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output.Trim(), Does.StartWith("ok 3.1").And.EndWith(" 4"), "four runs at lr 10 diverged");
        Assert.That(new FileInfo(dir.File("history.png")).Length, Is.GreaterThan(1000));
    }

    [Test]
    public void Optuna_sees_each_metrics_direction_and_runs_halving_stopped_as_pruned()
    {
        Python.Require("optuna", "python3-optuna");
        using var dir = new TempDir();
        string sweep = dir.Write("h.yaml", "name: halved\ntrain_size: 200\ntest_size: 100\nepochs: 3\nthreads: 1\nhalving:\n  min_epochs: 1\n  eta: 2\ngrid:\n  lr: [0.03, 0.001]\n");
        string db = dir.File("h.db");
        Assert.That(InProcessCli.Run("sweep", sweep, "--db", db, "--no-report").ExitCode, Is.EqualTo(0));
        foreach (string metric in new[] { "test_loss", "test_accuracy", "test_auc" })
        {
            CliResult export = InProcessCli.Run("export", "optuna", "--out", dir.File(metric + ".db"), "--db", db, "--metric", metric);
            Assert.That(export.ExitCode, Is.EqualTo(0), export.ToString());
        }

        var (code, output) = Python.Run($$"""
            import sqlite3, warnings
            warnings.simplefilter("ignore")
            import optuna
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            D = optuna.study.StudyDirection
            ours = sqlite3.connect("{{db}}")
            status = dict(ours.execute("select run_id, status from runs"))
            for metric, direction in [("test_loss", D.MINIMIZE), ("test_accuracy", D.MAXIMIZE), ("test_auc", D.MAXIMIZE)]:
                study = optuna.load_study(study_name="halved", storage="sqlite:///" + metric + ".db")
                assert study.direction == direction, (metric, study.direction)
                pruned = [t for t in study.trials if t.state == optuna.trial.TrialState.PRUNED]
                assert len(pruned) == 1 and status[pruned[0].user_attrs["run_id"]] == "pruned", [t.state for t in study.trials]
                t = pruned[0]
                assert t.value == t.intermediate_values[t.last_step], (t.value, t.intermediate_values)
                assert study.best_trial.state == optuna.trial.TrialState.COMPLETE
            print("ok")
            """, dir.Path);

        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output.Trim(), Is.EqualTo("ok"));
    }

    [Test]
    public void A_study_Optuna_wrote_is_never_replaced()
    {
        Python.Require("optuna", "python3-optuna");
        var (dir, db) = Trained.Value;
        string own = dir.File("own-optuna.db");
        File.Delete(own);
        var (made, madeOutput) = Python.Run($$"""
            import optuna
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            study = optuna.create_study(study_name="ex", storage="sqlite:///{{own}}")
            study.optimize(lambda trial: (trial.suggest_float("x", -1, 1) - 0.5) ** 2, n_trials=3)
            """, dir.Path);
        Assert.That(made, Is.EqualTo(0), madeOutput);
        byte[] before = File.ReadAllBytes(own);

        CliResult export = InProcessCli.Run("export", "optuna", "--out", own, "--db", db);

        Assert.That(export.ExitCode, Is.EqualTo(2), export.ToString());
        Assert.That(export.Stderr, Does.Contain("already holds a study named 'ex' that Sweep did not write"));
        Assert.That(File.ReadAllBytes(own), Is.EqualTo(before), "Optuna's study is untouched");
    }

    [Test]
    public void A_file_that_is_not_an_Optuna_storage_is_refused_and_left_alone()
    {
        var (dir, db) = Trained.Value;
        string other = dir.Write("notes.db", "not a database at all");
        string sweepDb = dir.File("copy.db");
        File.Copy(db, sweepDb, overwrite: true);

        CliResult text = InProcessCli.Run("export", "optuna", "--out", other, "--db", db);
        CliResult results = InProcessCli.Run("export", "optuna", "--out", sweepDb, "--db", db);
        CliResult metric = InProcessCli.Run("export", "optuna", "--out", dir.File("x.db"), "--db", db, "--metric", "accuracy");

        Assert.That((text.ExitCode, results.ExitCode, metric.ExitCode), Is.EqualTo((2, 2, 2)));
        Assert.That(text.Stderr, Does.Contain("is not an SQLite file, so not an Optuna storage"));
        Assert.That(results.Stderr, Does.Contain("is not an Optuna storage (it has no Optuna tables)"));
        Assert.That(metric.Stderr, Does.Contain("--metric 'accuracy' is not one of test_loss, test_accuracy, test_auc"));
        Assert.That(File.ReadAllText(other), Is.EqualTo("not a database at all"));
        Assert.That(File.Exists(dir.File("x.db")), Is.False);
    }

    [Test]
    public void Csv_files_read_back_with_pythons_csv_module()
    {
        var (dir, db) = Trained.Value;
        string csv = dir.File("csv");

        CliResult export = InProcessCli.Run("export", "csv", "--out", csv, "--db", db);

        Assert.That(export.ExitCode, Is.EqualTo(0), export.ToString());
        var (code, output) = Python.Run($$"""
            import csv, sqlite3
            ours = sqlite3.connect("{{db}}")
            header = next(csv.reader(open("{{csv}}/runs.csv", newline="")))
            assert len(header) == len(set(header)), "a column name appears twice: " + str(sorted(h for h in header if header.count(h) > 1))
            runs = list(csv.DictReader(open("{{csv}}/runs.csv", newline="")))
            epochs = list(csv.DictReader(open("{{csv}}/epochs.csv", newline="")))
            assert len(runs) == 8 and len(epochs) == ours.execute("select count(*) from epochs").fetchone()[0]
            for r in runs:
                status, lr, loss = ours.execute("select status, lr, final_test_loss from runs where run_id = ?", (r["run_id"],)).fetchone()
                assert r["status"] == status and float(r["lr"]) == lr and r["optimizer"] == "sgd" and r["lr_schedule"] == "constant"
                assert (r["final_test_loss"] == "" and loss is None) or float(r["final_test_loss"]) == loss
                assert r["device"] in ("auto", "cpu") and r["used_device"] == ours.execute("select used_device from runs where run_id = ?", (r["run_id"],)).fetchone()[0]
            print("ok", len(runs[0]))
            """, dir.Path);

        Assert.That(code, Is.EqualTo(0), output);
    }
}
