using Dapper;
using Sweep.Kernel;

namespace Sweep.Storage;

/// <summary>
/// What the report, the live report and compare read: runs, epochs, the sweep's reference table,
/// the environment, LR range tests and noise scales. Reads only; every database it is given has the
/// latest schema (an older one is read through an up-to-date copy, <see cref="ResultsStore.OpenForReading"/>).
/// </summary>
internal sealed class ReportReads(ResultsStore store)
{
    static ReportReads() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>Runs of the named sweep (its latest invocation's list), or of every sweep when null.</summary>
    public IReadOnlyList<RunRow> Runs(string? sweepName) => store.Read<IReadOnlyList<RunRow>>(connection =>
    {
        var rows = connection.Query<RunRow>(
            """
            SELECT run_id, status AS status_text, dataset, model, optimizer, lr, batch_size, epochs, seed, final_train_loss,
                   final_test_loss, final_test_accuracy, final_test_auc, diverged_at_epoch, pruned_at_epoch, best_epoch, best_val_loss,
                   best_test_loss, best_test_accuracy, best_test_auc, target_steps, target_examples, final_train_eval_loss,
                   error, fused_pack, config_json
            FROM runs
            WHERE CAST(@sweepName AS TEXT) IS NULL OR run_id IN (
                SELECT sr.run_id FROM sweep_runs sr JOIN sweeps s ON s.sweep_id = sr.sweep_id WHERE s.name = @sweepName)
            ORDER BY dataset, model, batch_size, lr, seed;
            """, new { sweepName }).ToList();
        HashSet<string> abandoned = ClaimLiveness.Abandoned(connection, rows.Where(r => r.Status == RunStatus.Running).Select(r => r.RunId));
        return rows.Select(r => abandoned.Contains(r.RunId) ? r with { Status = RunStatus.Interrupted } : r).ToList();
    });

    /// <summary>Every run in the database, whatever sweep asked for it.</summary>
    public IReadOnlyList<RunRow> AllRuns() => Runs(null);

    public IReadOnlyList<EpochRow> Epochs(IEnumerable<string> runIds) => store.Read<IReadOnlyList<EpochRow>>(connection => connection.Query<EpochRow>(
        $"""
        SELECT run_id, epoch, train_loss, last_batch_loss, test_loss, test_accuracy, learning_rate, seconds, images_per_second, test_auc,
               val_loss, val_accuracy, train_eval_loss, train_eval_accuracy
        FROM epochs WHERE {StoredValues.InList(connection, "run_id", "@ids")} ORDER BY run_id, epoch;
        """, new { ids = runIds.ToArray() }).ToList());

    /// <summary>The environment of the most recent invocation.</summary>
    public EnvironmentRow? LatestEnvironment() => store.Read(connection => connection.QueryFirstOrDefault<EnvironmentRow>(
        """
        SELECT host, os, cpu_model, gpu_name, device, thread_count, torch_version, torchsharp_version, dotnet_version, git_commit
        FROM environments ORDER BY environment_id DESC LIMIT 1;
        """));

    public string? LatestSweepName() => store.Read(connection =>
        connection.QueryFirstOrDefault<string>("SELECT name FROM sweeps ORDER BY sweep_id DESC LIMIT 1;"));

    public IReadOnlyList<string> SweepNames() => store.Read<IReadOnlyList<string>>(connection =>
        connection.Query<string>("SELECT DISTINCT name FROM sweeps ORDER BY name;").ToList());

    /// <summary>The reference table the most recent invocation of a sweep was run against, or null.</summary>
    public (string Path, string Csv)? Reference(string sweepName) => store.Read(connection =>
        connection.Query<(string, string)>(
            "SELECT reference_path, reference_csv FROM sweeps WHERE name = @sweepName AND reference_csv IS NOT NULL ORDER BY sweep_id DESC LIMIT 1;",
            new { sweepName }).Select(r => ((string, string)?)r).FirstOrDefault());

    /// <summary>How many runs the most recent invocation of a sweep planned, or null when none is stored.</summary>
    public int? PlannedRunCount(string sweepName) => store.Read<int?>(connection =>
    {
        long? sweepId = connection.QueryFirstOrDefault<long?>(
            "SELECT sweep_id FROM sweeps WHERE name = @sweepName ORDER BY sweep_id DESC LIMIT 1;", new { sweepName });
        if (sweepId is null)
        {
            return null;
        }
        int count = connection.ExecuteScalar<int>("SELECT count(*) FROM sweep_plan WHERE sweep_id = @sweepId;", new { sweepId });
        return count > 0 ? count : null;
    });

    /// <summary>The LR range tests stored in the same database.</summary>
    public LrFindRepository LrFinds => new(store);

    /// <summary>The gradient noise scales stored in the same database.</summary>
    public NoiseScaleRepository NoiseScales => new(store);
}
