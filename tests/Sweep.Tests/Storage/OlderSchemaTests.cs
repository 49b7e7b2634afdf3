using System.Security.Cryptography;
using Sweep.Cluster;
using Sweep.Kernel;
using Sweep.Storage;
using Sweep.Tests.Support;

namespace Sweep.Tests.Storage;

/// <summary>
/// One policy for a database of an older schema: every reader (report, compare, exports, merge)
/// reads it as if brought up to date, and the file is left byte for byte as it was. The database is
/// the committed Kandel–Castelli run of round one (schema version 6), written by that release.
/// </summary>
public sealed class OlderSchemaTests
{
    private static string Copy(TempDir dir)
    {
        string path = dir.File("old.db");
        File.Copy(Path.Combine(RepoPaths.Root, "results", "kandel-castelli-fashion", "results.db"), path);
        return path;
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Test]
    public void The_fixture_is_older_than_this_build()
    {
        using var dir = new TempDir();
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Copy(dir)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        Assert.That(ResultsDatabase.SchemaVersion(connection), Is.EqualTo(6).And.LessThan(ResultsDatabase.LatestVersion));
    }

    [Test]
    public void Report_and_export_reads_see_the_latest_schema_and_leave_the_file_alone()
    {
        using var dir = new TempDir();
        string path = Copy(dir);
        string before = Hash(path);

        using (ResultsStore store = ResultsStore.OpenForReading(path))
        {
            var reads = new ReportReads(store);
            string sweep = reads.LatestSweepName()!;
            var runs = reads.Runs(sweep);
            Assert.That(runs, Has.Count.GreaterThan(10));
            Assert.That(runs.All(r => r.Status == RunStatus.Completed && r.BestEpoch is null && r.TargetSteps is null), "columns added after version 6 read as empty");
            Assert.That(reads.Epochs(runs.Select(r => r.RunId)).All(e => e.ValLoss is null), Is.True);
            Assert.That(reads.LrFinds.Latest(sweep), Is.Empty);
            Assert.That(reads.NoiseScales.Latest(sweep), Is.Empty);
            Assert.That(new ExportReads(store).RunRecords(sweep), Has.Count.EqualTo(runs.Count));
        }

        Assert.That(Hash(path), Is.EqualTo(before));
        Assert.That(File.Exists(path + "-wal"), Is.False);
    }

    [Test]
    public void An_older_shard_merges_and_stays_as_it_was()
    {
        using var dir = new TempDir();
        string path = Copy(dir);
        string before = Hash(path);

        MergeReport merged = ResultsMerger.Merge([path], dir.File("merged.db"), allowOtherSweeps: false);

        using ResultsStore store = ResultsStore.OpenForReading(dir.File("merged.db"));
        var reads = new ReportReads(store);
        Assert.That(merged.RunsAdded, Is.EqualTo(reads.AllRuns().Count).And.GreaterThan(10));
        Assert.That(Hash(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(Path.GetTempPath(), "sweep-upgraded-*.db"), Is.Empty, "the up-to-date copy is deleted");
    }
}
