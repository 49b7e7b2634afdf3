using Sweep.Data;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Storage;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>
/// Measures the gradient noise scale of a sweep's models: at initialisation once per model, data
/// and seed (batch size and lr do not change initial weights), and at the end of training for every completed run whose
/// final weights were saved (save_model: true). Every measurement is stored and printed.
/// </summary>
internal static class NoiseScaleMeter
{
    public static int Run(SweepPlan plan, string databasePath, int small, int big, int repeats, Action<string> report, CancellationToken cancel)
    {
        var datasets = Preflight.Check(plan, report);
        var layout = new OutputLayout(databasePath);
        using var database = ResultsStore.OpenForWriting(databasePath);
        var statuses = new RunRepository(database).StatusOf(plan.Runs.Select(r => r.RunId));
        var store = new NoiseScaleRepository(database);
        // Initial weights depend on the model, its data and the seed, not on the batch size or lr: one measurement per such start.
        var states = plan.Runs.GroupBy(r => (r.Config.Model, r.Config.ModelSha256, r.Config.Init, r.Config.Seed, Data: DataRequest.For(r.Config)))
            .Select(g => (Run: g.First(), State: "init", Weights: (string?)null))
            .Concat(plan.Runs.Where(r => statuses.GetValueOrDefault(r.RunId) == RunStatus.Completed && File.Exists(layout.ModelPath(r.RunId)))
                .Select(r => (Run: r, State: "final", Weights: (string?)layout.ModelPath(r.RunId))))
            .ToList();
        if (!states.Any(s => s.State == "final"))
        {
            report("no completed run of this sweep has saved final weights, so only initial weights are measured; set save_model: true and run the sweep to measure trained models");
        }
        foreach (var (run, state, weights) in states)
        {
            cancel.ThrowIfCancellationRequested();
            DatasetPair data = datasets[DataRequest.For(run.Config)];
            NoiseScale scale = GradientNoiseScale.MeasureRun(run.Config, data, weights, small, Math.Min(big, data.Train.Count), repeats, report);
            store.Save(plan.Name, run.RunId, state, scale.SmallBatch, scale.BigBatch, repeats, scale.GradientSquared, scale.TraceSigma, scale.Simple);
            report(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{run.RunId} ({RunLabel.Of(run, plan.VaryingSettings)}), {(state == "init" ? "initial weights" : "final weights")}: B_simple {scale.Simple:G4} (tr Σ {scale.TraceSigma:G4}, |G|² {scale.GradientSquared:G4}; batches {scale.SmallBatch} and {scale.BigBatch}, {repeats} repeats)"));
        }
        return states.Count;
    }
}
