using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Tests.Support;

namespace Sweep.Tests.Spec;

public sealed class ReferenceTableTests
{
    private const string Header = "# a citation\noptimizer,lr,batch_size,test_auc\n";

    [Test]
    public void Reads_settings_and_metrics_skipping_comments_with_a_BOM_and_CRLF()
    {
        var table = ReferenceTable.Parse("\uFEFF" + (Header + "adam,0.0001,16,0.9677\n# between\n\nsgd,1e-3,256,0.9579\n").Replace("\n", "\r\n", StringComparison.Ordinal), "ref.csv");

        Assert.That(table.SettingColumns, Is.EqualTo(new[] { "optimizer", "lr", "batch_size" }));
        Assert.That(table.MetricColumns, Is.EqualTo(new[] { "test_auc" }));
        Assert.That(table.Rows.Select(r => (r.Line, (string)r.Settings["optimizer"], (double)r.Settings["lr"], (long)r.Settings["batch_size"], r.Metrics["test_auc"])),
            Is.EqualTo(new[] { (3, "adam", 0.0001, 16L, 0.9677), (6, "sgd", 0.001, 256L, 0.9579) }));
    }

    [Test]
    public void Cells_a_spreadsheet_wrapped_in_quotes_read_as_the_same_table()
    {
        var plain = ReferenceTable.Parse(Header + "adam,0.0001,16,0.9677\n", "ref.csv");
        var quoted = ReferenceTable.Parse("# a citation\n\"optimizer\",\"lr\",\"batch_size\",\"test_auc\"\n\"adam\", \"0.0001\",\"16\",\"0.9677\"\n", "ref.csv");

        Assert.That(quoted.SettingColumns, Is.EqualTo(plain.SettingColumns));
        Assert.That(quoted.Rows.Single().Settings, Is.EqualTo(plain.Rows.Single().Settings));
        Assert.That(quoted.Rows.Single().Metrics, Is.EqualTo(plain.Rows.Single().Metrics));
    }

    [TestCase("", "ref.csv: the reference file has no header")]
    [TestCase("# only a comment\n", "ref.csv: the reference file has no header")]
    [TestCase("optimizer,lr\nadam,0.1\n", "ref.csv:1: the header needs at least one setting column and one metric column")]
    [TestCase("test_auc\n0.9\n", "ref.csv:1: the header needs at least one setting column")]
    [TestCase("lr,learning,test_auc\n", "ref.csv:1: column 'learning' is neither a training setting nor a metric")]
    [TestCase("lr,lr,test_auc\n", "ref.csv:1: column 'lr' appears twice")]
    [TestCase("seed,test_auc\n", "ref.csv:1: a reference row is compared with the mean over our seeds")]
    [TestCase("lr,test_auc\n", "ref.csv: the reference file has a header but no rows")]
    [TestCase("lr,test_auc\n0.1\n", "ref.csv:2: the row has 1 values but the header names 2 columns")]
    [TestCase("lr,test_auc\n0.1,0.9\nfast,0.8\n", "ref.csv:3: lr: 'fast' is not a number greater than 0")]
    [TestCase("lr,test_auc\n-0.1,0.8\n", "ref.csv:2: lr: -0.1 is not greater than 0")]
    [TestCase("optimizer,test_auc\nrmsprop,0.8\n", "ref.csv:2: optimizer: 'rmsprop' is not a known optimizer")]
    [TestCase("batch_size,test_auc\n16.5,0.8\n", "ref.csv:2: batch_size: '16.5' is not a whole number")]
    [TestCase("lr,test_auc\n0.1,96.77\n", "ref.csv:2: test_auc 96.77 is outside 0 to 1")]
    [TestCase("lr,test_loss\n0.1,nan\n", "ref.csv:2: test_loss 'nan' is not a number")]
    [TestCase("lr,test_auc\n0.1,0.9\n1e-1,0.8\n", "ref.csv:3: this row names the same settings as line 2")]
    public void Rejects_a_bad_table_naming_the_line(string text, string message)
    {
        var error = Assert.Throws<SweepInputException>(() => ReferenceTable.Parse(text, "ref.csv"))!;
        Assert.That(error.Message, Does.StartWith(message));
    }

    [Test]
    public void A_sweep_file_reads_its_reference_relative_to_itself_and_refuses_a_missing_or_huge_one()
    {
        using var dir = new TempDir();
        dir.Write("exp/ref.csv", Header + "adam,0.001,16,0.9\n");
        var plan = Plans.Of("name: s\nreference: ref.csv\ngrid:\n  lr: [0.001]\n", dir.Write("exp/s.yaml", ""));
        Assert.That(plan.Reference!.Rows, Has.Count.EqualTo(1));

        var missing = Assert.Throws<SweepInputException>(() => Plans.Of("name: s\nreference: gone.csv\ngrid:\n  lr: [0.001]\n", dir.File("exp/s.yaml")))!;
        Assert.That(missing.Message, Does.StartWith(dir.File("exp/s.yaml") + ":2:12: 'reference: gone.csv' names a file that does not exist"));

        File.WriteAllText(dir.File("exp/big.csv"), Header + string.Concat(Enumerable.Repeat("adam,0.001,16,0.9\n", 70_000)));
        var big = Assert.Throws<SweepInputException>(() => Plans.Of("name: s\nreference: big.csv\ngrid:\n  lr: [0.001]\n", dir.File("exp/s.yaml")))!;
        Assert.That(big.Message, Does.Contain("more than the 1,048,576 a table of published results needs"));
    }
}
