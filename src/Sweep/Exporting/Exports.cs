using Sweep.Kernel;
using Sweep.Storage;

namespace Sweep.Exporting;

/// <summary>The exports a command asks for: which sweep of a results database, checked once.</summary>
internal static class Exports
{
    /// <summary>Opens the database read-only and names the sweep to export (the most recent when none is given).</summary>
    public static (RunRepository Repository, string Sweep, IDisposable Connection) Open(string database, string? sweep)
    {
        var connection = ResultsDatabase.OpenForReading(database);
        try
        {
            int version = ResultsDatabase.SchemaVersion(connection);
            if (version < ResultsDatabase.LatestVersion)
            {
                throw new SweepInputException($"{database} was written by an older Sweep (schema version {version}, this one reads {ResultsDatabase.LatestVersion} for export); run its sweep again with this Sweep (finished runs are not retrained) to bring it up to date, then export.");
            }
            var repository = new RunRepository(connection);
            var names = repository.SweepNames();
            string name = sweep ?? repository.LatestSweepName()
                ?? throw new SweepInputException($"{database} holds no sweeps yet, so there is nothing to export; run a sweep first.");
            if (!names.Contains(name))
            {
                throw new SweepInputException($"{database} has no sweep named '{name}'; it has: {string.Join(", ", names)}.");
            }
            return (repository, name, connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
