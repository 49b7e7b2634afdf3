using Sweep.Data;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>validation_size and evaluate_train: a held-out set that chooses, through the real loader and the real CLI.</summary>
public sealed class ValidationTests
{
    [Test]
    public void The_validation_images_are_held_out_balanced_and_never_trained_on()
    {
        DatasetPair pair = DatasetLoader.Load(new DataRequest("fashion-mnist-mini", "", 1000, 100, ValidationSize: 600));

        Assert.That(pair.Validation, Is.Not.Null);
        Assert.That((pair.Validation!.Count, pair.Train.Count), Is.EqualTo((600, 1000)));
        Assert.That(pair.Validation.Labels.GroupBy(l => l).Select(g => g.Count()), Is.All.EqualTo(60), "a class-balanced hold-out");
        var held = Images(pair.Validation).ToHashSet();
        Assert.That(Images(pair.Train).Count(held.Contains), Is.EqualTo(0), "no validation image is a training image");
        DatasetPair again = DatasetLoader.Load(new DataRequest("fashion-mnist-mini", "", 500, 100, ValidationSize: 600));
        Assert.That(Images(again.Validation!), Is.EqualTo(Images(pair.Validation)), "the same images whatever train_size is");
    }

    [Test]
    public void A_sweep_stores_validation_per_epoch_chooses_the_best_epoch_on_it_and_the_report_chooses_on_it()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: val\ntrain_size: 600\ntest_size: 200\nvalidation_size: 300\nevaluate_train: true\nepochs: 4\nthreads: 1\n"
            + "grid:\n  lr: [0.03, 0.003]\n  batch_size: [32, 64]\n");

        CliResult sweep = SweepCli.Run(dir.Path, "sweep", "s.yaml");

        Assert.That(sweep.ExitCode, Is.EqualTo(0), sweep.ToString());
        Assert.That(sweep.Stdout, Does.Contain("val_loss "));
        string db = dir.File("results/results.db");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM epochs WHERE val_loss IS NULL OR val_accuracy IS NULL OR train_eval_loss IS NULL"), Is.EqualTo(0));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM epochs WHERE train_eval_loss = train_loss"), Is.EqualTo(0),
            "the evaluated training loss is measured after the epoch, in eval mode, not the running mean");
        // The best epoch is the one of the lowest validation loss, and the test numbers are that epoch's.
        const string Mismatch = """
            SELECT count(*) FROM runs r WHERE best_epoch IS NOT (SELECT e.epoch FROM epochs e WHERE e.run_id = r.run_id ORDER BY e.val_loss, e.epoch LIMIT 1)
               OR best_test_loss IS NOT (SELECT e.test_loss FROM epochs e WHERE e.run_id = r.run_id AND e.epoch = r.best_epoch)
               OR best_val_loss IS NOT (SELECT min(e.val_loss) FROM epochs e WHERE e.run_id = r.run_id)
            """;
        Assert.That(ResultsFile.Scalar<long>(db, Mismatch), Is.EqualTo(0));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs r WHERE final_train_eval_loss IS NOT (SELECT train_eval_loss FROM epochs e WHERE e.run_id = r.run_id ORDER BY epoch DESC LIMIT 1)"),
            Is.EqualTo(0), "the gap's training loss is the evaluated one of the last epoch");
        string summary = File.ReadAllText(dir.File("results/summary.md"));
        Assert.That(summary, Does.Contain("Best cell, chosen on validation loss").And.Contain("(chosen on validation loss)"));
        Assert.That(summary, Does.Contain("Batch size: the test loss at the epoch validation chose"));
        using var heatmap = new PngImage(dir.File("results/validation_loss_heatmap.png"));
        Assert.That(heatmap.InkFraction(), Is.GreaterThan(0.05));
        Assert.That(File.Exists(dir.File("results/best_epoch_test_loss_heatmap.png")), Is.True);
    }

    [Test]
    public void Holding_out_every_training_image_is_one_input_error()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: v\nvalidation_size: 6000\ngrid:\n  lr: [0.01]\n");

        CliResult plan = SweepCli.Run(dir.Path, "plan", "s.yaml");

        Assert.That(plan.ExitCode, Is.EqualTo(2), plan.ToString());
        Assert.That(plan.Stderr, Does.Contain("validation_size 6000 leaves no training images: fashion-mnist-mini has 6000 training images"));
    }

    [Test]
    public void Halving_ranks_by_validation_loss_when_the_runs_hold_out_a_validation_set()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: vh\ntrain_size: 400\ntest_size: 100\nvalidation_size: 200\nepochs: 2\nthreads: 1\nhalving:\n  min_epochs: 1\n  eta: 2\ngrid:\n  lr: [0.03, 0.003]\n");

        CliResult sweep = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(sweep.ExitCode, Is.EqualTo(0), sweep.ToString());
        Assert.That(sweep.Stdout, Does.Contain("halving at epoch 1 by val_loss"));
        string db = dir.File("results/results.db");
        Assert.That(ResultsFile.Query<string>(db, "SELECT DISTINCT metric FROM halving_decisions"), Is.EqualTo(new[] { "val_loss" }));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM halving_decisions h WHERE value IS NOT (SELECT val_loss FROM epochs e WHERE e.run_id = h.run_id AND e.epoch = h.rung_epoch)"),
            Is.EqualTo(0), "ranked by the validation loss at the rung, not the test loss");

        dir.Write("t.yaml", "name: th\nepochs: 2\nhalving:\n  metric: val_loss\ngrid:\n  lr: [0.03, 0.003]\n");
        CliResult refused = SweepCli.Run(dir.Path, "plan", "t.yaml");
        Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
        Assert.That(refused.Stderr, Does.Contain("halving ranks by val_loss, which needs a validation set"));
    }

    private static IEnumerable<string> Images(ImageSet set) =>
        Enumerable.Range(0, set.Count).Select(i => Convert.ToBase64String(set.Pixels, i * set.ImageBytes, set.ImageBytes));
}
