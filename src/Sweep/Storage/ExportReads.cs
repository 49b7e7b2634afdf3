using Dapper;
using Sweep.Kernel;

namespace Sweep.Storage;

/// <summary>
/// What exporters read: a sweep's runs in plan order with where they ran, and their epochs. Reads
/// only, on a database of the latest schema (<see cref="ResultsStore.OpenForReading"/>).
/// </summary>
internal sealed class ExportReads(ResultsStore store)
{
    private const long Unplanned = 1_000_000_000;

    private readonly ReportReads _shared = new(store);

    public IReadOnlyList<string> SweepNames() => _shared.SweepNames();

    public string? LatestSweepName() => _shared.LatestSweepName();

    public IReadOnlyList<EpochRow> Epochs(IEnumerable<string> runIds) => _shared.Epochs(runIds);

    /// <summary>The runs of a sweep in the order of its most recent stored plan (runs it did not plan follow in id order).</summary>
    public IReadOnlyList<RunRecord> RunRecords(string sweepName) => store.Read<IReadOnlyList<RunRecord>>(connection =>
    {
        var rows = connection.Query<RunRecord>(
            """
            SELECT coalesce((SELECT p.position - 1 FROM sweep_plan p WHERE p.run_id = r.run_id
                             AND p.sweep_id = (SELECT max(sweep_id) FROM sweeps WHERE name = @sweepName)), @unplanned) AS position,
                   r.run_id, r.status, r.config_json, r.seed,
                   r.final_train_loss, r.final_test_loss, r.final_test_accuracy, r.final_test_auc, r.diverged_at_epoch, r.error, r.fused_pack,
                   r.started_at, r.finished_at, e.host, e.cpu_model, e.gpu_name, r.used_device, e.torch_version
            FROM runs r LEFT JOIN environments e ON e.environment_id = r.environment_id
            WHERE r.run_id IN (SELECT sr.run_id FROM sweep_runs sr JOIN sweeps s ON s.sweep_id = sr.sweep_id WHERE s.name = @sweepName)
            ORDER BY position, r.run_id;
            """, new { sweepName, unplanned = Unplanned }).ToList();
        // Runs outside the plan get the positions after it, so trial numbers stay unique.
        long next = rows.Where(r => r.Position < Unplanned).Select(r => r.Position + 1).DefaultIfEmpty(0).Max();
        HashSet<string> abandoned = ClaimLiveness.Abandoned(connection, rows.Where(r => r.Status == RunStatus.Running.Text()).Select(r => r.RunId));
        return rows.Select(r => r.Position < Unplanned ? r : r with { Position = next++ })
            .Select(r => abandoned.Contains(r.RunId) ? r with { Status = RunStatus.Interrupted.Text() } : r).ToList();
    });
}
