using Sweep.Kernel;
using Sweep.Storage;

namespace Sweep.Exporting;

/// <summary>The exports a command asks for: which sweep of a results database, checked once.</summary>
internal static class Exports
{
    /// <summary>Opens the database to read (an older schema through an up-to-date copy) and names the sweep to export (the most recent when none is given).</summary>
    public static (ExportReads Repository, string Sweep, IDisposable Connection) Open(string database, string? sweep)
    {
        var store = ResultsStore.OpenForReading(database);
        try
        {
            var repository = new ExportReads(store);
            var names = repository.SweepNames();
            string name = sweep ?? repository.LatestSweepName()
                ?? throw new SweepInputException($"{database} holds no sweeps yet, so there is nothing to export; run a sweep first.");
            if (!names.Contains(name))
            {
                throw new SweepInputException($"{database} has no sweep named '{name}'; it has: {string.Join(", ", names)}.");
            }
            return (repository, name, store);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }
}
