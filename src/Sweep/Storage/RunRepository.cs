using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using static Sweep.Storage.StoredValues;

namespace Sweep.Storage;

/// <summary>
/// What a sweep writes (sweeps, runs, epochs) and the few reads running needs (statuses, speeds for
/// the plan's time estimate); the report and exports read through <see cref="ReportReads"/> and
/// <see cref="ExportReads"/>. Every write is its own committed immediate transaction (ResultsStore). A repository that writes for a worker only touches the runs that worker holds
/// the claim of (see RunRepository.Claims.cs). Times come from <paramref name="clock"/>, so the
/// claim logic (heartbeats and leases) is tested without waiting on the wall clock.
/// </summary>
internal sealed partial class RunRepository(ResultsStore store, WorkerIdentity? worker = null, TimeProvider? clock = null)
{
    static RunRepository() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The time as stored, by this repository's clock.</summary>
    private string Now() => Stamp(_clock.GetUtcNow());

    /// <summary>Records an invocation of a sweep with the runs it plans, in plan order.</summary>
    public long StartSweep(SweepPlan plan) => store.Write((connection, tx) =>
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

    public void FinishSweep(long sweepId) => store.Write((connection, tx) => connection.Execute(
        "UPDATE sweeps SET finished_at = @Now WHERE sweep_id = @sweepId;", new { sweepId, Now = Now() }, tx));

    public long RecordEnvironment(long sweepId, EnvironmentRow env) => store.Write((connection, tx) => connection.ExecuteScalar<long>(
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
    public IReadOnlyDictionary<string, RunStatus> StatusOf(IEnumerable<string> runIds) => store.Read(connection =>
    {
        string[] ids = runIds.ToArray();
        HashSet<string> abandoned = ClaimLiveness.Abandoned(connection, ids, worker);
        return connection.Query<(string RunId, string Status)>($"SELECT run_id, status FROM runs WHERE {InList(connection, "run_id", "@ids")};", new { ids })
            .ToDictionary(r => r.RunId, r => abandoned.Contains(r.RunId) ? RunStatus.Interrupted : RunStatusText.Parse(r.Status));
    });

    /// <summary>Records that a sweep asked for an already finished run.</summary>
    public void LinkRun(long sweepId, string runId) => store.Write((connection, tx) => connection.Execute(
        "INSERT INTO sweep_runs (sweep_id, run_id) VALUES (@sweepId, @runId) ON CONFLICT DO NOTHING;", new { sweepId, runId }, tx));

    /// <summary>Marks a run as running (creating its row) with the device and threads it trains on, claimed by this worker.</summary>
    public void BeginRun(long sweepId, long environmentId, PlannedRun run, string usedDevice, int usedThreads) => store.Write((connection, tx) =>
    {
        BeginRunIn(connection, tx, sweepId, environmentId, run, usedDevice, usedThreads);
        return 0;
    });

    private void BeginRunIn(DbConnection connection, DbTransaction tx, long sweepId, long environmentId, PlannedRun run, string usedDevice, int usedThreads)
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
                c.TrainSize, c.TestSize, Augment = Flag(c.Augment), c.Momentum, c.WeightDecay, FinalRelu = Flag(c.FinalRelu), c.Device, c.Threads,
                Deterministic = Flag(c.Deterministic), c.DivergenceFactor, c.DataDir, Json = c.ToJson(), Now = Now(), usedDevice, usedThreads,
                Running = RunStatus.Running.Text(), ConfigKey = RunIdentity.ConfigurationKey(c),
                ClaimHost = worker?.Host, ClaimPid = worker?.Pid, ClaimToken = worker?.Token,
                ModelFile = c.ModelFile.Length > 0 ? c.ModelFile : null, ModelSha256 = c.ModelSha256.Length > 0 ? c.ModelSha256 : null,
            }, tx);
        connection.Execute("INSERT INTO sweep_runs (sweep_id, run_id) VALUES (@sweepId, @RunId) ON CONFLICT DO NOTHING;",
            new { sweepId, run.RunId }, tx);
    }

    /// <summary>
    /// Records which fused pack trained a run (null: alone), which data seed it saw and the
    /// per-channel normalisation of its images.
    /// </summary>
    public void RecordTraining(string runId, string? fusedPack, long dataSeed, DatasetInfo data) => store.Write((connection, tx) =>
    {
        EnsureHeld(connection, runId, tx);
        string mean = JsonSerializer.Serialize(data.Mean), std = JsonSerializer.Serialize(data.Std);
        return connection.Execute(
            "UPDATE runs SET fused_pack = @fusedPack, data_seed = @dataSeed, data_mean = @mean, data_std = @std WHERE run_id = @runId;",
            new { runId, fusedPack, dataSeed, mean, std }, tx);
    });

    /// <summary>
    /// Keeps the epochs a resumed run already has (up to its checkpoint) and drops any later ones,
    /// which a crash may have committed after the last checkpoint. 0 starts the run over.
    /// </summary>
    public void KeepEpochsUpTo(string runId, int epoch) => store.Write((connection, tx) =>
    {
        EnsureHeld(connection, runId, tx);
        connection.Execute("DELETE FROM epochs WHERE run_id = @runId AND epoch > @epoch;", new { runId, epoch }, tx);
        // Reached after the checkpoint it resumes from: it will be reached again, and counted then.
        connection.Execute("UPDATE runs SET target_steps = NULL, target_examples = NULL WHERE run_id = @runId;", new { runId }, tx);
        return connection.Execute("UPDATE runs SET resumed_from_epoch = @resumed WHERE run_id = @runId;",
            new { runId, resumed = epoch > 0 ? (int?)epoch : null }, tx);
    });

    /// <summary>Epoch numbers a run has rows for.</summary>
    public IReadOnlyList<long> EpochNumbers(string runId) => store.Read(connection =>
        connection.Query<long>("SELECT epoch FROM epochs WHERE run_id = @runId ORDER BY epoch;", new { runId }).ToList());

    public void AddEpoch(string runId, EpochMetrics m) => store.Write((connection, tx) =>
    {
        EnsureHeld(connection, runId, tx);
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
    public void FinishRun(string runId, RunStatus status, long? divergedAtEpoch, string? error) => store.Write((connection, tx) =>
    {
        EnsureHeld(connection, runId, tx);
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

    /// <summary>Mean training speed of earlier epochs per data set, model and batch size.</summary>
    public IReadOnlyList<MeasuredSpeed> TrainingSpeeds() => store.Read(connection => connection.Query<(string Dataset, string Model, long BatchSize, double ImagesPerSecond)>(
        """
        SELECT r.dataset, r.model, r.batch_size, avg(e.images_per_second)
        FROM epochs e JOIN runs r ON r.run_id = e.run_id
        GROUP BY r.dataset, r.model, r.batch_size;
        """).Select(s => new MeasuredSpeed(s.Dataset, s.Model, s.BatchSize, s.ImagesPerSecond)).ToList());

}
