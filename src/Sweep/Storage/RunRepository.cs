using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using static Sweep.Storage.StoredValues;

namespace Sweep.Storage;

/// <summary>
/// Writes and reads sweeps, runs and epochs. Every write is its own committed immediate
/// transaction. A repository that writes for a worker only touches the runs that worker holds
/// the claim of (see RunRepository.Claims.cs). Times come from <paramref name="clock"/>, so the
/// claim logic (heartbeats and leases) is tested without waiting on the wall clock.
/// </summary>
internal sealed partial class RunRepository(SqliteConnection connection, WorkerIdentity? worker = null, TimeProvider? clock = null)
{
    static RunRepository() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The time as stored, by this repository's clock.</summary>
    private string Now() => Stamp(_clock.GetUtcNow());

    /// <summary>Records an invocation of a sweep with the runs it plans, in plan order.</summary>
    public long StartSweep(SweepPlan plan) => Write(tx =>
    {
        long sweepId = connection.ExecuteScalar<long>(
            """
            INSERT INTO sweeps (name, file_path, file_contents, started_at, varying_settings, reference_path, reference_csv)
            VALUES (@Name, @SourcePath, @SourceText, @Now, @Varying, @ReferencePath, @ReferenceCsv) RETURNING sweep_id;
            """,
            new
            {
                plan.Name, plan.SourcePath, plan.SourceText, Now = Now(), Varying = string.Join(",", plan.VaryingSettings),
                ReferencePath = plan.Reference?.Path, ReferenceCsv = plan.Reference?.Text,
            }, tx);
        connection.Execute("INSERT INTO sweep_plan (sweep_id, position, run_id) VALUES (@sweepId, @Position, @RunId);",
            plan.PlannedRunIds.Select((runId, i) => new { sweepId, Position = i + 1, RunId = runId }), tx);
        return sweepId;
    });

    public void FinishSweep(long sweepId) => Write(tx => connection.Execute(
        "UPDATE sweeps SET finished_at = @Now WHERE sweep_id = @sweepId;", new { sweepId, Now = Now() }, tx));

    public long RecordEnvironment(long sweepId, EnvironmentRow env) => Write(tx => connection.ExecuteScalar<long>(
        """
        INSERT INTO environments (sweep_id, recorded_at, host, os, cpu_model, gpu_name, device, thread_count,
                                  torch_version, torchsharp_version, dotnet_version, git_commit)
        VALUES (@sweepId, @Now, @Host, @Os, @CpuModel, @GpuName, @Device, @ThreadCount,
                @TorchVersion, @TorchsharpVersion, @DotnetVersion, @GitCommit)
        RETURNING environment_id;
        """,
        new
        {
            sweepId, Now = Now(), env.Host, env.Os, env.CpuModel, env.GpuName, env.Device, env.ThreadCount,
            env.TorchVersion, env.TorchsharpVersion, env.DotnetVersion, env.GitCommit,
        }, tx));

    /// <summary>The status of each of the given runs that the database holds.</summary>
    public IReadOnlyDictionary<string, RunStatus> StatusOf(IEnumerable<string> runIds) => Read(() =>
    {
        string[] ids = runIds.ToArray();
        HashSet<string> abandoned = Abandoned(ids);
        return connection.Query<(string RunId, string Status)>("SELECT run_id, status FROM runs WHERE run_id IN @ids;", new { ids })
            .ToDictionary(r => r.RunId, r => abandoned.Contains(r.RunId) ? RunStatus.Interrupted : RunStatusText.Parse(r.Status));
    });

    /// <summary>Records that a sweep asked for an already finished run.</summary>
    public void LinkRun(long sweepId, string runId) => Write(tx => connection.Execute(
        "INSERT OR IGNORE INTO sweep_runs (sweep_id, run_id) VALUES (@sweepId, @runId);", new { sweepId, runId }, tx));

    /// <summary>Marks a run as running (creating its row) with the device and threads it trains on, claimed by this worker.</summary>
    public void BeginRun(long sweepId, long environmentId, PlannedRun run, string usedDevice, int usedThreads) => Write(tx =>
    {
        BeginRunIn(tx, sweepId, environmentId, run, usedDevice, usedThreads);
        return 0;
    });

    private void BeginRunIn(SqliteTransaction tx, long sweepId, long environmentId, PlannedRun run, string usedDevice, int usedThreads)
    {
        RunConfig c = run.Config;
        connection.Execute(
            """
            INSERT INTO runs (run_id, sweep_id, environment_id, dataset, model, optimizer, lr, batch_size, epochs, seed,
                              train_size, test_size, augment, momentum, weight_decay, final_relu, device, threads,
                              deterministic, divergence_factor, data_dir, config_json, status, started_at,
                              used_device, used_threads, config_key, claim_host, claim_pid, claim_token, heartbeat_at,
                              model_file, model_sha256)
            VALUES (@RunId, @sweepId, @environmentId, @Dataset, @Model, @Optimizer, @Lr, @BatchSize, @Epochs, @Seed,
                    @TrainSize, @TestSize, @Augment, @Momentum, @WeightDecay, @FinalRelu, @Device, @Threads,
                    @Deterministic, @DivergenceFactor, @DataDir, @Json, @Running, @Now, @usedDevice, @usedThreads, @ConfigKey,
                    @ClaimHost, @ClaimPid, @ClaimToken, @Now, @ModelFile, @ModelSha256)
            ON CONFLICT (run_id) DO UPDATE SET
                sweep_id = excluded.sweep_id, environment_id = excluded.environment_id, config_json = excluded.config_json,
                device = excluded.device, threads = excluded.threads, deterministic = excluded.deterministic,
                divergence_factor = excluded.divergence_factor, data_dir = excluded.data_dir,
                used_device = excluded.used_device, used_threads = excluded.used_threads,
                config_key = excluded.config_key, status = excluded.status, started_at = excluded.started_at, finished_at = NULL, final_train_loss = NULL,
                final_test_loss = NULL, final_test_accuracy = NULL, final_test_auc = NULL, diverged_at_epoch = NULL, error = NULL,
                claim_host = excluded.claim_host, claim_pid = excluded.claim_pid, claim_token = excluded.claim_token,
                heartbeat_at = excluded.heartbeat_at, model_file = excluded.model_file, model_sha256 = excluded.model_sha256, pruned_at_epoch = NULL;
            """,
            new
            {
                run.RunId, sweepId, environmentId, c.Dataset, c.Model, c.Optimizer, c.Lr, c.BatchSize, c.Epochs, c.Seed,
                c.TrainSize, c.TestSize, c.Augment, c.Momentum, c.WeightDecay, c.FinalRelu, c.Device, c.Threads,
                c.Deterministic, c.DivergenceFactor, c.DataDir, Json = c.ToJson(), Now = Now(), usedDevice, usedThreads,
                Running = RunStatus.Running.Text(), ConfigKey = RunIdentity.ConfigurationKey(c),
                ClaimHost = worker?.Host, ClaimPid = worker?.Pid, ClaimToken = worker?.Token,
                ModelFile = c.ModelFile.Length > 0 ? c.ModelFile : null, ModelSha256 = c.ModelSha256.Length > 0 ? c.ModelSha256 : null,
            }, tx);
        connection.Execute("INSERT OR IGNORE INTO sweep_runs (sweep_id, run_id) VALUES (@sweepId, @RunId);",
            new { sweepId, run.RunId }, tx);
    }

    /// <summary>
    /// Records which fused pack trained a run (null: alone), which data seed it saw and the
    /// per-channel normalisation of its images.
    /// </summary>
    public void RecordTraining(string runId, string? fusedPack, long dataSeed, DatasetInfo data) => Write(tx =>
    {
        EnsureHeld(runId, tx);
        string mean = JsonSerializer.Serialize(data.Mean), std = JsonSerializer.Serialize(data.Std);
        return connection.Execute(
            "UPDATE runs SET fused_pack = @fusedPack, data_seed = @dataSeed, data_mean = @mean, data_std = @std WHERE run_id = @runId;",
            new { runId, fusedPack, dataSeed, mean, std }, tx);
    });

    /// <summary>
    /// Keeps the epochs a resumed run already has (up to its checkpoint) and drops any later ones,
    /// which a crash may have committed after the last checkpoint. 0 starts the run over.
    /// </summary>
    public void KeepEpochsUpTo(string runId, int epoch) => Write(tx =>
    {
        EnsureHeld(runId, tx);
        connection.Execute("DELETE FROM epochs WHERE run_id = @runId AND epoch > @epoch;", new { runId, epoch }, tx);
        if (HasColumn("runs", "target_steps"))
        {
            // Reached after the checkpoint it resumes from: it will be reached again, and counted then.
            connection.Execute("UPDATE runs SET target_steps = NULL, target_examples = NULL WHERE run_id = @runId;", new { runId }, tx);
        }
        return connection.Execute("UPDATE runs SET resumed_from_epoch = @resumed WHERE run_id = @runId;",
            new { runId, resumed = epoch > 0 ? (int?)epoch : null }, tx);
    });

    /// <summary>Epoch numbers a run has rows for.</summary>
    public IReadOnlyList<long> EpochNumbers(string runId) => Read(() =>
        connection.Query<long>("SELECT epoch FROM epochs WHERE run_id = @runId ORDER BY epoch;", new { runId }).ToList());

    public void AddEpoch(string runId, EpochMetrics m) => Write(tx =>
    {
        EnsureHeld(runId, tx);
        if (m.TargetSteps is { } steps)
        {
            connection.Execute("UPDATE runs SET target_steps = @steps, target_examples = @TargetExamples WHERE run_id = @runId;",
                new { runId, steps, m.TargetExamples }, tx);
        }
        return connection.Execute(
        """
        INSERT INTO epochs (run_id, epoch, train_loss, last_batch_loss, test_loss, test_accuracy, learning_rate,
                            seconds, images_per_second, test_auc, val_loss, val_accuracy, train_eval_loss, train_eval_accuracy)
        VALUES (@runId, @Epoch, @TrainLoss, @LastBatchLoss, @TestLoss, @TestAccuracy, @LearningRate,
                @Seconds, @ImagesPerSecond, @TestAuc, @ValLoss, @ValAccuracy, @TrainEvalLoss, @TrainEvalAccuracy);
        """,
        new
        {
            runId, m.Epoch, TrainLoss = Number(m.TrainLoss), LastBatchLoss = Number(m.LastBatchLoss), TestLoss = Number(m.TestLoss),
            m.TestAccuracy, m.LearningRate, m.Seconds, m.ImagesPerSecond, TestAuc = Number(m.TestAuc),
            ValLoss = Number(m.ValidationLoss), ValAccuracy = Number(m.ValidationAccuracy),
            TrainEvalLoss = Number(m.TrainEvalLoss), TrainEvalAccuracy = Number(m.TrainEvalAccuracy),
        },
        tx);
    });

    /// <summary>Ends a run and releases its claim; final metrics are those of its last recorded epoch.</summary>
    public void FinishRun(string runId, RunStatus status, long? divergedAtEpoch, string? error) => Write(tx =>
    {
        EnsureHeld(runId, tx);
        return connection.Execute(
        """
        UPDATE runs SET status = @status, finished_at = @Now, diverged_at_epoch = @divergedAtEpoch, error = @error,
            claim_host = NULL, claim_pid = NULL, claim_token = NULL, heartbeat_at = NULL,
            final_train_loss = (SELECT train_loss FROM epochs WHERE run_id = @runId ORDER BY epoch DESC LIMIT 1),
            final_test_loss = (SELECT test_loss FROM epochs WHERE run_id = @runId ORDER BY epoch DESC LIMIT 1),
            final_test_accuracy = (SELECT test_accuracy FROM epochs WHERE run_id = @runId ORDER BY epoch DESC LIMIT 1),
            final_test_auc = (SELECT test_auc FROM epochs WHERE run_id = @runId ORDER BY epoch DESC LIMIT 1),
            final_train_eval_loss = (SELECT train_eval_loss FROM epochs WHERE run_id = @runId ORDER BY epoch DESC LIMIT 1),
            best_epoch = (SELECT epoch FROM epochs WHERE run_id = @runId AND val_loss IS NOT NULL ORDER BY val_loss, epoch LIMIT 1),
            best_val_loss = (SELECT val_loss FROM epochs WHERE run_id = @runId AND val_loss IS NOT NULL ORDER BY val_loss, epoch LIMIT 1),
            best_test_loss = (SELECT test_loss FROM epochs WHERE run_id = @runId AND val_loss IS NOT NULL ORDER BY val_loss, epoch LIMIT 1),
            best_test_accuracy = (SELECT test_accuracy FROM epochs WHERE run_id = @runId AND val_loss IS NOT NULL ORDER BY val_loss, epoch LIMIT 1),
            best_test_auc = (SELECT test_auc FROM epochs WHERE run_id = @runId AND val_loss IS NOT NULL ORDER BY val_loss, epoch LIMIT 1)
        WHERE run_id = @runId;
        """,
        new { runId, status = status.Text(), divergedAtEpoch, error, Now = Now() }, tx);
    });

    /// <summary>Runs of the named sweep (its latest invocation's list), or of every sweep when null.</summary>
    public IReadOnlyList<RunRow> Runs(string? sweepName)
    {
        var rows = connection.Query<RunRow>(
            // A database of an older schema (opened read-only, not migrated) lacks the newer columns: they read as NULL.
            RunsSql.Replace("@optional", string.Join(", ", new[] { "pruned_at_epoch", "best_epoch", "best_val_loss", "best_test_loss", "best_test_accuracy", "best_test_auc", "target_steps", "target_examples", "final_train_eval_loss" }
                .Select(c => Optional("runs", c))), StringComparison.Ordinal),
            new { sweepName }).ToList();
        HashSet<string> abandoned = Abandoned(rows.Where(r => r.Status == RunStatus.Running).Select(r => r.RunId));
        return rows.Select(r => abandoned.Contains(r.RunId) ? r with { Status = RunStatus.Interrupted } : r).ToList();
    }

    private const string RunsSql =
        """
        SELECT run_id, status AS status_text, dataset, model, optimizer, lr, batch_size, epochs, seed, final_train_loss,
               final_test_loss, final_test_accuracy, final_test_auc, diverged_at_epoch, @optional, error, fused_pack, config_json
        FROM runs
        WHERE @sweepName IS NULL OR run_id IN (
            SELECT sr.run_id FROM sweep_runs sr JOIN sweeps s ON s.sweep_id = sr.sweep_id WHERE s.name = @sweepName)
        ORDER BY dataset, model, batch_size, lr, seed;
        """;

    public IReadOnlyList<EpochRow> Epochs(IEnumerable<string> runIds) => connection.Query<EpochRow>(
        $"""
        SELECT run_id, epoch, train_loss, last_batch_loss, test_loss, test_accuracy, learning_rate, seconds, images_per_second, test_auc,
               {string.Join(", ", new[] { "val_loss", "val_accuracy", "train_eval_loss", "train_eval_accuracy" }.Select(c => Optional("epochs", c)))}
        FROM epochs WHERE run_id IN @ids ORDER BY run_id, epoch;
        """, new { ids = runIds.ToArray() }).ToList();

    /// <summary>A column of a newer schema, or NULL under its name where an older database lacks it.</summary>
    private string Optional(string table, string column) => HasColumn(table, column) ? column : $"NULL AS {column}";

    /// <summary>Mean training speed of earlier epochs per data set, model and batch size.</summary>
    public IReadOnlyList<MeasuredSpeed> TrainingSpeeds() => connection.Query<(string Dataset, string Model, long BatchSize, double ImagesPerSecond)>(
        """
        SELECT r.dataset, r.model, r.batch_size, avg(e.images_per_second)
        FROM epochs e JOIN runs r ON r.run_id = e.run_id
        GROUP BY r.dataset, r.model, r.batch_size;
        """).Select(s => new MeasuredSpeed(s.Dataset, s.Model, s.BatchSize, s.ImagesPerSecond)).ToList();

    /// <summary>
    /// How many runs the most recent invocation of a sweep planned, or null when the database
    /// predates stored plans (schema version 3 and earlier).
    /// </summary>
    public int? PlannedRunCount(string sweepName) => Read<int?>(() =>
    {
        long? sweepId = connection.QueryFirstOrDefault<long?>(
            "SELECT sweep_id FROM sweeps WHERE name = @sweepName ORDER BY sweep_id DESC LIMIT 1;", new { sweepName });
        if (sweepId is null || !HasTable("sweep_plan"))
        {
            return null;
        }
        int count = connection.ExecuteScalar<int>("SELECT count(*) FROM sweep_plan WHERE sweep_id = @sweepId;", new { sweepId });
        return count > 0 ? count : null;
    });

    /// <summary>The environment of the most recent invocation.</summary>
    public EnvironmentRow? LatestEnvironment() => Read(() => connection.QueryFirstOrDefault<EnvironmentRow>(
        """
        SELECT host, os, cpu_model, gpu_name, device, thread_count, torch_version, torchsharp_version, dotnet_version, git_commit
        FROM environments ORDER BY environment_id DESC LIMIT 1;
        """));

    /// <summary>The LR range tests stored in the same database.</summary>
    public LrFindRepository LrFinds => new(connection);

    /// <summary>The gradient noise scales stored in the same database.</summary>
    public NoiseScaleRepository NoiseScales => new(connection);

    /// <summary>Every run in the database, whatever sweep asked for it.</summary>
    public IReadOnlyList<RunRow> AllRuns() => Runs(null);

    public string? LatestSweepName() =>
        connection.QueryFirstOrDefault<string>("SELECT name FROM sweeps ORDER BY sweep_id DESC LIMIT 1;");

    public IReadOnlyList<string> SweepNames() =>
        connection.Query<string>("SELECT DISTINCT name FROM sweeps ORDER BY name;").ToList();

    /// <summary>
    /// The runs of a sweep for export, in the order of its most recent stored plan (runs it did not
    /// plan, and every run of a database without plans, follow in id order).
    /// </summary>
    public IReadOnlyList<RunRecord> RunRecords(string sweepName) => Read(() =>
    {
        bool plans = HasTable("sweep_plan");
        string position = plans
            ? "(SELECT p.position - 1 FROM sweep_plan p WHERE p.run_id = r.run_id AND p.sweep_id = (SELECT max(sweep_id) FROM sweeps WHERE name = @sweepName))"
            : "NULL";
        var rows = connection.Query<RunRecord>(
            $"""
            SELECT coalesce({position}, 1000000000) AS position, r.run_id, r.status, r.config_json, r.seed,
                   r.final_train_loss, r.final_test_loss, r.final_test_accuracy, r.final_test_auc, r.diverged_at_epoch, r.error, r.fused_pack,
                   r.started_at, r.finished_at, e.host, e.cpu_model, e.gpu_name, r.used_device, e.torch_version
            FROM runs r LEFT JOIN environments e ON e.environment_id = r.environment_id
            WHERE r.run_id IN (SELECT sr.run_id FROM sweep_runs sr JOIN sweeps s ON s.sweep_id = sr.sweep_id WHERE s.name = @sweepName)
            ORDER BY position, r.run_id;
            """, new { sweepName }).ToList();
        // Runs outside the plan get the positions after it, so trial numbers stay unique.
        long next = rows.Where(r => r.Position < 1000000000).Select(r => r.Position + 1).DefaultIfEmpty(0).Max();
        HashSet<string> abandoned = Abandoned(rows.Where(r => r.Status == RunStatus.Running.Text()).Select(r => r.RunId));
        return rows.Select(r => r.Position < 1000000000 ? r : r with { Position = next++ })
            .Select(r => abandoned.Contains(r.RunId) ? r with { Status = RunStatus.Interrupted.Text() } : r).ToList();
    });

    /// <summary>The reference table the most recent invocation of a sweep was run against, or null (none, or a database before version 6).</summary>
    public (string Path, string Csv)? Reference(string sweepName) => Read(() =>
        HasColumn("sweeps", "reference_csv")
            ? connection.Query<(string, string)>(
                "SELECT reference_path, reference_csv FROM sweeps WHERE name = @sweepName AND reference_csv IS NOT NULL ORDER BY sweep_id DESC LIMIT 1;",
                new { sweepName }).Select(r => ((string, string)?)r).FirstOrDefault()
            : null);

    private bool HasColumn(string table, string column) =>
        connection.ExecuteScalar<long>("SELECT count(*) FROM pragma_table_info(@table) WHERE name = @column;", new { table, column }) > 0;

    private bool HasTable(string name) => StoredValues.HasTable(connection, name);

    // One connection serves parallel runs; SQLite connections are not thread-safe, so every use is serialised.
    private readonly Lock _gate = new();

    private T Write<T>(Func<SqliteTransaction, T> work)
    {
        lock (_gate)
        {
            // Immediate: the write lock is taken at BEGIN, so two workers never deadlock upgrading
            // read transactions; a busy database is waited for (busy_timeout) instead of failing.
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            T result = work(transaction);
            transaction.Commit();
            return result;
        }
    }

    private T Read<T>(Func<T> query)
    {
        lock (_gate)
        {
            return query();
        }
    }
}
