using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Tests.Support;

namespace Sweep.Tests.Spec;

public sealed class SweepFileParserTests
{
    private const string Valid = """
        name: lr-batch
        dataset: fashion-mnist-mini
        model: small-cnn
        optimizer: adam
        epochs: 3
        seed: 0
        grid:
          lr: [0.01, 0.001, 0.0001]
          batch_size: [16, 64, 256]
        """;

    [Test]
    public void Expands_the_grid_in_file_order_with_the_last_axis_fastest()
    {
        SweepPlan plan = SweepPlanner.Parse(Valid, "sweeps.yaml");

        Assert.That(plan.Name, Is.EqualTo("lr-batch"));
        Assert.That(plan.Runs, Has.Count.EqualTo(9));
        Assert.That(plan.Runs.Select(r => (r.Config.Lr, r.Config.BatchSize)).Take(4), Is.EqualTo(new[]
        {
            (0.01, 16), (0.01, 64), (0.01, 256), (0.001, 16),
        }));
        Assert.That(plan.Runs.Select(r => r.RunId).Distinct().Count(), Is.EqualTo(9));
        Assert.That(plan.VaryingSettings, Is.EqualTo(new[] { "lr", "batch_size" }));
    }

    [Test]
    public void Fills_in_defaults_and_reads_optional_sizes()
    {
        SweepPlan plan = SweepPlanner.Parse("train_size: 100\ntest_size: 50\ngrid:\n  lr: [1e-3]\n", "x.yaml");
        RunConfig config = plan.Runs.Single().Config;

        Assert.That(config.Dataset, Is.EqualTo("fashion-mnist-mini"));
        Assert.That(config.Model, Is.EqualTo("small-cnn"));
        Assert.That(config.Lr, Is.EqualTo(0.001));
        Assert.That(config.TrainSize, Is.EqualTo(100));
        Assert.That(config.TestSize, Is.EqualTo(50));
        Assert.That(plan.Name, Is.EqualTo("x"), "the file name is the default sweep name");
    }

    [Test]
    public void Any_setting_can_be_an_axis()
    {
        SweepPlan plan = SweepPlanner.Parse("grid:\n  optimizer: [adam, sgd]\n  epochs: [1, 2]\n", "x.yaml");

        Assert.That(plan.Runs.Select(r => (r.Config.Optimizer, r.Config.Epochs)),
            Is.EqualTo(new[] { ("adam", 1), ("adam", 2), ("sgd", 1), ("sgd", 2) }));
    }

    [Test]
    public void Resolves_data_dir_relative_to_the_sweep_file()
    {
        SweepPlan plan = SweepPlanner.Parse("data_dir: ../data\ngrid:\n  lr: [0.1]\n", "/home/u/exp/s.yaml");

        Assert.That(plan.Runs[0].Config.DataDir, Is.EqualTo("/home/u/data"));
    }

    // Each bad file names the line and column where YAML can give them, what is wrong, what is allowed.
    public static IEnumerable<TestCaseData> BadFiles()
    {
        yield return Case("grid:\n  lr: [0.1\n", "bad.yaml:", "invalid YAML");
        yield return Case("", "the file is empty");
        yield return Case("- 1\n- 2\n", "must be a mapping");
        yield return Case("batchsize: 16\ngrid:\n  lr: [0.1]\n", "bad.yaml:1:1: unknown setting 'batchsize'; did you mean 'batch_size'?");
        yield return Case("learning_rate: 0.1\ngrid:\n  epochs: [1]\n", "did you mean 'lr'?");
        yield return Case("grid:\n  lr: [abc]\n", "bad.yaml:2:8: 'lr' must be a number, got 'abc'");
        yield return Case("grid:\n  batch_size: [16.5]\n", "'batch_size' must be a whole number, got '16.5'");
        yield return Case("epochs: \"ten\"\ngrid:\n  lr: [0.1]\n", "'epochs' must be a whole number, got the quoted text \"ten\"");
        yield return Case("grid:\n  lr: [0]\n", "'lr': 0 is not greater than 0");
        yield return Case("grid:\n  lr: [-0.1]\n", "is not greater than 0");
        yield return Case("grid:\n  lr: [.nan]\n", "'lr': NaN is not greater than 0");
        yield return Case("grid:\n  batch_size: [0]\n", "'batch_size': 0 is less than 1");
        yield return Case("epochs: 0\ngrid:\n  lr: [0.1]\n", "'epochs': 0 is less than 1");
        yield return Case("grid:\n  batch_size: [10000]\n", "batch_size 10000 is larger than the training set (6000 images");
        yield return Case("train_size: 100\ngrid:\n  batch_size: [128]\n", "larger than the training set (100 images");
        yield return Case("grid: {}\n", "'grid' must map at least one setting");
        yield return Case("epochs: 2\n", "there is no 'grid'");
        yield return Case("grid:\n  lr: []\n", "bad.yaml:2:7: axis 'lr' is empty");
        yield return Case("grid:\n  lr: 0.1\n", "axis 'lr' must be a list such as [a, b, c] or a generator");
        yield return Case("grid:\n  lr: {logspace: [0, 1, 3]}\n", "logspace for 'lr' needs both ends greater than 0");
        yield return Case("grid:\n  lr: {logspace: [1e-3, 1e-1]}\n", "logspace takes [first, last, count]");
        yield return Case("grid:\n  lr: {logspace: [1e-3, 1e-1, 2.5]}\n", "the count of a logspace must be a whole number");
        yield return Case("grid:\n  batch_size: {pow2: [16, 100]}\n", "pow2 needs two powers of two");
        yield return Case("grid:\n  lr: {pow2: [1, 4]}\n", "pow2 makes whole numbers, but 'lr' takes");
        yield return Case("grid:\n  epochs: {linspace: [1, 2, 3]}\n", "linspace gives 1.5 for 'epochs', which takes whole numbers");
        yield return Case("grid:\n  lr: {randspace: [1, 2]}\n", "unknown generator 'randspace'");
        yield return Case("grid:\n  momentum: {linspace: [0, 1, 3]}\n", "'momentum': 1 is outside [0, 1)");
        yield return Case("zip:\n  lr: [0.1, 0.2]\n  batch_size: [16]\n", "bad.yaml:2:3: the lists in 'zip' advance together and must have the same length, but lr has 2, batch_size has 1");
        yield return Case("grid:\n  lr: [0.1]\nzip:\n  lr: [0.2]\n", "'lr' is set both in 'grid' and in 'zip'");
        yield return Case("repeats: 0\ngrid:\n  lr: [0.1]\n", "'repeats': 0 is outside 1 to 1000");
        yield return Case("repeats: 2\ngrid:\n  seed: [0, 1]\n", "the plan holds the same run twice");
        yield return Case("lr: !!python/object:os.system 1\ngrid:\n  epochs: [1]\n", "the YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed");
        yield return Case("grid:\n  lr: [!Custom 0.1]\n", "the YAML tag '!Custom' is not allowed");
        yield return Case("nesterov: true\ngrid:\n  lr: [0.1]\n", "nesterov: true needs optimizer: sgd with a momentum above 0");
        yield return Case("model: vgg\ngrid:\n  batch_size: [1, 16]\n", "model vgg cannot train with batch_size 1");
        yield return Case("model: vgg\nvgg_depth: 12\ngrid:\n  lr: [0.1]\n", "'12' is not a known vgg_depth; allowed: one of 11, 13, 16, 19");
        yield return Case("lr_schedule: linear\ngrid:\n  lr: [0.1]\n", "allowed: one of constant, step, cosine");
        yield return Case("mirror: ftp://x\ngrid:\n  lr: [0.1]\n", "'ftp://x' is not an http(s) URL");
        yield return Case("extends: missing.yaml\ngrid:\n  lr: [0.1]\n", "bad.yaml:1:10: 'extends: missing.yaml' names a file that does not exist");
        yield return Case("grid:\n  lr: [0.1, 0.1]\n", "lists 0.1 twice");
        yield return Case("lr: 0.1\ngrid:\n  lr: [0.1, 0.2]\n", "'lr' is set both at the top level and in 'grid'");
        yield return Case("dataset: cifar100\ngrid:\n  lr: [0.1]\n", "'cifar100' is not a known dataset; allowed: one of fashion-mnist-mini, fashion-mnist, mnist, cifar10");
        yield return Case("model: resnet\ngrid:\n  lr: [0.1]\n", "one of small-cnn, seed-cnn, vgg");
        yield return Case("optimizer: rmsprop\ngrid:\n  lr: [0.1]\n", "one of adam, adamw, sgd");
        yield return Case("lr: [0.1, 0.2]\ngrid:\n  epochs: [1]\n", "'lr' must be a single value, not a list or mapping; to try several values put it under 'grid'");
        yield return Case("augment: yes please\ngrid:\n  lr: [0.1]\n", "'augment' must be true or false");
        yield return Case("epochs: 1\nepochs: 2\ngrid:\n  lr: [0.1]\n", "bad.yaml:");
        yield return Case("halving: 3\ngrid:\n  lr: [0.1]\n", "bad.yaml:1:10: 'halving' must be a mapping");
        yield return Case("halving:\n  eta: 1\ngrid:\n  lr: [0.1]\n", "bad.yaml:2:8: 'eta': 1 is outside 2 to 100");
        yield return Case("halving:\n  etta: 2\ngrid:\n  lr: [0.1]\n", "unknown key 'etta' in 'halving'; did you mean 'eta'?");
        yield return Case("halving:\n  metric: train_loss\ngrid:\n  lr: [0.1]\n", "'train_loss' is not a metric halving can rank by; allowed: one of test_loss, test_accuracy, test_auc, val_loss, val_accuracy");
        yield return Case("halving:\n  within: [batchsize]\ngrid:\n  lr: [0.1]\n", "'within' names 'batchsize', which is not a setting; did you mean 'batch_size'?");
        yield return Case("halving:\n  within: seed\ngrid:\n  lr: [0.1]\n", "'within: seed' would rank each seed apart");
        yield return Case("epochs: 3\nhalving:\n  min_epochs: 3\ngrid:\n  lr: [0.1]\n", "halving's min_epochs 3 is not below epochs 3");
        yield return Case("halving: {}\ngrid:\n  epochs: [2, 4]\n", "'halving' needs every run to plan the same epochs (this plan has 2, 4)");
        yield return Case("fuse: true\nhalving: {}\ngrid:\n  lr: [0.1]\n", "'halving' trains runs one at a time and cannot be combined with 'fuse'");
    }

    private static TestCaseData Case(string text, params string[] fragments) => new(text, fragments);

    /// <summary>Mistakes of the whole file or plan have no one position; the README names them. Every other message starts with file:line:column.</summary>
    private static readonly string[] WholeFileMistakes =
        ["the file is empty", "must be a mapping", "there is no 'grid'", "the plan holds the same run twice", "nesterov: true needs", "is larger than the training set", "cannot train with batch_size 1",
         "cannot be combined with 'fuse'", "needs every run to plan the same epochs", "is not below epochs"];

    [TestCaseSource(nameof(BadFiles))]
    public void Rejects_a_bad_file_with_a_precise_message(string text, string[] fragments)
    {
        var error = Assert.Throws<SweepInputException>(() => SweepPlanner.Parse(text, "bad.yaml"))!;

        foreach (string fragment in fragments)
        {
            Assert.That(error.Message, Does.Contain(fragment));
        }
        Assert.That(error.Message, Does.Not.Contain("\n"), "one line");
        Assert.That(error.Message, Does.StartWith("bad.yaml"), "names the file");
        Assert.That(System.Text.RegularExpressions.Regex.IsMatch(error.Message, @"^bad\.yaml:\d+:\d+: ") || WholeFileMistakes.Any(error.Message.Contains), Is.True,
            $"starts with file:line:column or is a documented whole-file mistake: {error.Message}");
    }

    [Test]
    public void Every_bad_file_goes_through_the_CLI_with_exit_2_one_line_and_nothing_created()
    {
        var wrong = new List<string>();
        foreach (TestCaseData data in BadFiles())
        {
            using var dir = new TempDir();
            dir.Write("bad.yaml", (string)data.Arguments[0]!);
            CliResult result = SweepCli.Run(dir.Path, "sweep", "bad.yaml");
            string[] lines = result.Stderr.Trim().Split('\n');
            if (result.ExitCode != 2 || lines.Length != 1 || !lines[0].StartsWith("error: bad.yaml", StringComparison.Ordinal) || Directory.Exists(dir.File("results")))
            {
                wrong.Add($"{data.Arguments[0]!.ToString()!.ReplaceLineEndings("⏎")} → {result}");
            }
        }
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void A_missing_file_is_an_input_error()
    {
        var error = Assert.Throws<SweepInputException>(() => SweepPlanner.Load("/nonexistent/sweeps.yaml"))!;

        Assert.That(error.Message, Does.Contain("does not exist"));
    }
}
