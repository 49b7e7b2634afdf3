using Spectre.Console;
using Sweep.Cli.Display;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Reporting;
using Sweep.Running;
using Sweep.Storage;

namespace Sweep.Cli;

/// <summary>
/// What <c>sweep FILE</c> does, in the order it happens: read and plan the file, narrow the plan to
/// a shard, show it (dry run) or train it under a display and the live report, say how it went, and
/// draw the final report. The one place the sweep's stages are put together.
/// </summary>
internal sealed class SweepPipeline(IAnsiConsole console)
{
    /// <summary>The command line's choices, checked by <see cref="SweepCommand.Settings.Validate"/>.</summary>
    internal sealed record Options(
        string File, string? DataDir, string? Database, int? Parallel, bool Fuse, string? Shard, bool DryRun,
        TimeSpan? LiveEvery, TimeSpan Lease, bool Report);

    public int Run(Options options, CancellationToken cancel)
    {
        SweepPlan plan = ReadPlan(options);
        string database = options.Database ?? OutputLayout.DefaultDatabase;
        if (options.Shard is { } shardText)
        {
            ShardSpec shard = ShardSpec.Parse(shardText, Environment.GetEnvironmentVariable);
            plan = ShardPlanner.ShardOf(plan, shard);
            database = options.Database ?? shard.DefaultDatabase;
            console.WriteLine($"shard {shard}: {plan.Runs.Count} runs, results in {database}");
            if (plan.Runs.Count == 0)
            {
                return ExitCodes.Success;
            }
        }
        if (options.DryRun)
        {
            PlanTable.Write(console, PlanPreviewReader.Read(plan, database), database);
            return ExitCodes.Success;
        }
        if (Native.ExternalLibTorch.Describe() is { } libtorch)
        {
            console.WriteLine(libtorch);
        }

        SweepOutcome outcome = WithDisplay(display => Train(plan, database, options, display, cancel));

        WriteOutcome(plan, database, outcome);
        if (outcome.Interrupted)
        {
            console.WriteLine("Run the same command again to continue with the runs that are not finished.");
            return ExitCodes.Interrupted;
        }
        if (options.Report)
        {
            WriteFinalReport(plan, database);
        }
        return outcome.Failed.Count > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    private SweepPlan ReadPlan(Options options)
    {
        SweepPlan plan = SweepPlanner.Load(options.File, options.DataDir);
        PlanNotes.Write(console, plan);
        if (options.Fuse)
        {
            plan = plan with { Fuse = true };
            PlanValidator.CheckHalving(plan.Runs, plan.Halving, fuse: true, options.File);
        }
        return plan;
    }

    /// <summary>The runner, told of progress through the display and (when asked for) the live report, which observes it.</summary>
    private static SweepOutcome Train(SweepPlan plan, string database, Options options, SynchronizedProgress display, CancellationToken cancel)
    {
        int parallel = options.Parallel ?? plan.Parallel;
        if (options.LiveEvery is not { } every)
        {
            return new SweepRunner(display, parallel, plan.Fuse, plan.FuseMax, options.Lease).Run(plan, database, cancel);
        }
        using var live = new LiveReport(display, database, plan.Name, new OutputLayout(database).ReportFolder, every);
        return new SweepRunner(new ProgressFanOut(display, live), parallel, plan.Fuse, plan.FuseMax, options.Lease).Run(plan, database, cancel);
    }

    /// <summary>A progress bar on a terminal, plain lines in a log; either behind one lock.</summary>
    private SweepOutcome WithDisplay(Func<SynchronizedProgress, SweepOutcome> train)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return train(new SynchronizedProgress(new PlainProgress(new AnsiConsoleWriter(console))));
        }
        return console.Progress()
            .AutoClear(true)
            .Columns(new ProgressBarColumn(), new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
            .Start(context => train(new SynchronizedProgress(new LiveProgress(console, context.AddTask("starting", maxValue: 1000)))));
    }

    private void WriteOutcome(SweepPlan plan, string database, SweepOutcome outcome)
    {
        console.WriteLine(
            $"sweep '{plan.Name}': {outcome.Planned} runs, {outcome.Skipped} already done, {outcome.Completed} completed, " +
            $"{outcome.Diverged} diverged, {outcome.Failed.Count} failed{(outcome.Pruned > 0 ? $", {outcome.Pruned} stopped by halving" : "")}{(outcome.ByOtherWorkers > 0 ? $", {outcome.ByOtherWorkers} finished by other workers" : "")}" +
            $"{(outcome.Interrupted ? ", interrupted" : "")}; results in {database}");
        foreach (var (run, error) in outcome.Failed)
        {
            console.WriteLine($"  failed: {run.RunId} {RunLabel.Of(run, plan.VaryingSettings)}: {error}");
        }
    }

    private void WriteFinalReport(SweepPlan plan, string database)
    {
        string outDir = new OutputLayout(database).ReportFolder;
        using var store = ResultsStore.OpenForReading(database);
        ReportResult report = ReportBuilder.Build(new ReportReads(store), plan.Name, outDir);
        console.WriteLine($"report: {report.Figures.Count} figures, index.html and summary.md in {outDir}");
        foreach (string line in report.Verdict)
        {
            console.WriteLine($"  {line}");
        }
    }
}
