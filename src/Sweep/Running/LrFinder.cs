using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Storage;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>What an LR range test found for one batch size.</summary>
internal sealed record LrFindResult(int BatchSize, LrCurve Curve);

/// <summary>
/// Runs the LR range test once per batch size a sweep file plans: the settings of the plan's first
/// run with that batch size (its learning rate is ignored), stored in the results database.
/// </summary>
internal static class LrFinder
{
    public static IReadOnlyList<LrFindResult> Run(SweepPlan plan, string databasePath, double startLr, double endLr, int steps,
        Action<string> report, CancellationToken cancel)
    {
        var datasets = Preflight.Check(plan, report);
        using var database = ResultsStore.OpenForWriting(databasePath);
        var store = new LrFindRepository(database);
        var results = new List<LrFindResult>();
        foreach (RunConfig config in plan.Runs.Select(r => r.Config).GroupBy(c => c.BatchSize).Select(g => g.First()).OrderBy(c => c.BatchSize))
        {
            var data = datasets[Data.DataRequest.For(config)];
            LrCurve curve;
            try
            {
                curve = LrRangeTest.Run(config, data, startLr, endLr, steps, TorchDevice.ThreadsFor(config), cancel);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or SweepInputException)
                && (config.ModelKind.ReadsModelFile || FailureMessage.IsOutOfMemory(ex)))
            {
                // The user's model or the batch size, not Sweep: one line, and the batch sizes already tested stay stored.
                string done = results.Count switch
                {
                    0 => "nothing was stored",
                    1 => $"batch size {results[0].BatchSize} is stored",
                    _ => $"batch sizes {string.Join(", ", results.Select(r => r.BatchSize))} are stored",
                };
                throw new SweepInputException($"{plan.SourcePath}: the LR range test at batch_size {config.BatchSize} failed: {FailureMessage.For(ex, config, 1)}; {done}.");
            }
            store.Save(plan.Name, config.BatchSize, config.ToJson(), startLr, endLr, steps, curve);
            results.Add(new LrFindResult(config.BatchSize, curve));
            report(Describe(config.BatchSize, curve, steps));
        }
        return results;
    }

    /// <summary>"batch 16: suggested lr 3e-3 (steepest descent), 1e-3 (minimum ÷ 10); stopped at step 71 of 100, the loss diverging".</summary>
    public static string Describe(int batchSize, LrCurve curve, int steps)
    {
        string steepest = curve.SteepestDescent() is { } s ? $"{RunConfig.FormatLr(s)} (steepest descent)" : "none (the loss never fell)";
        string tenth = curve.MinimumOverTen() is { } m ? $"{RunConfig.FormatLr(m)} (minimum ÷ 10)"
            : curve.NeverFell ? "none by minimum ÷ 10"
            : "none by minimum ÷ 10 (the minimum is within a decade of --start-lr: start lower)";
        string end = curve.StoppedEarly
            ? $"stopped at step {curve.Points.Count} of {steps}, lr {RunConfig.FormatLr(curve.Points[^1].Lr)}, where the smoothed loss passed {LrCurve.StopFactor} × its minimum"
            : $"all {steps} steps";
        return $"batch {batchSize}: suggested lr {steepest}, {tenth}; {end}";
    }
}
