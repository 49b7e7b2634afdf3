using Sweep.Kernel;
using Sweep.Storage;

namespace Sweep.Cluster;

/// <summary>What a merge did.</summary>
internal sealed record MergeReport(int Databases, int RunsAdded, int RunsReplaced, int RunsKept, long Epochs);

/// <summary>
/// Merges results databases into one: shard files into a file or a server, a server's sweeps into a
/// file (to mail or archive), one server into another. Idempotent: sweeps and environments are matched by their
/// recorded identity, and a run is only replaced by a more complete record of itself, so merging
/// twice changes nothing; every table comes along (Storage/DatabaseMerge). Every source is checked
/// before the target is touched; a source of an older schema is read as if brought up to date.
/// </summary>
internal static class ResultsMerger
{
    public static MergeReport Merge(IReadOnlyList<string> sources, string target, bool allowOtherSweeps)
    {
        if (sources.Count == 0)
        {
            throw new SweepInputException("merge needs at least one database to merge, for example results/shards/*.db.");
        }
        string targetFull = FullName(target);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string source in sources)
        {
            if (FullName(source) == targetFull)
            {
                throw new SweepInputException($"{source} is the merge target itself; list only the shard databases.");
            }
            names.UnionWith(SweepNames(source));
        }
        using (ResultsStore? existing = ResultsStore.OpenIfRecorded(target))
        {
            names.UnionWith(existing is null ? [] : new ReportReads(existing).SweepNames());
        }
        if (names.Count > 1 && !allowOtherSweeps)
        {
            throw new SweepInputException($"the databases hold different sweeps ({string.Join(", ", names)}); merge one sweep at a time, or pass --allow-other-sweeps to merge them anyway.");
        }

        using ResultsStore store = ResultsStore.OpenForWriting(target);
        int added = 0, replaced = 0, kept = 0;
        long epochs = 0;
        foreach (string source in sources)
        {
            var counts = DatabaseMerge.CopyFrom(store, source);
            (added, replaced, kept, epochs) = (added + counts.Added, replaced + counts.Replaced, kept + counts.Kept, epochs + counts.Epochs);
        }
        return new MergeReport(sources.Count, added, replaced, kept, epochs);
    }

    private static string FullName(string database) => DatabaseAddress.IsServer(database) ? database : Path.GetFullPath(database);

    private static IReadOnlyList<string> SweepNames(string database)
    {
        using ResultsStore store = ResultsStore.OpenForReading(database);
        return new ReportReads(store).SweepNames();
    }
}
