using Sweep.Data;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>
/// Everything the user can get wrong is checked before the database is touched: every data set
/// the plan names loads, every device it asks for exists, every TorchScript model fits its data
/// set. Returns the loaded data sets.
/// </summary>
internal static class Preflight
{
    /// <param name="note">Told what loading the data takes a while for (decoding an image folder).</param>
    public static IReadOnlyDictionary<DataRequest, DatasetPair> Check(SweepPlan plan, Action<string>? note = null)
    {
        var loaded = new Dictionary<DataRequest, DatasetPair>();
        foreach (RunConfig config in plan.Runs.Select(r => r.Config))
        {
            var key = DataRequest.For(config);
            if (!loaded.ContainsKey(key))
            {
                loaded[key] = DatasetLoader.Load(key, note);
            }
            int images = loaded[key].Train.Count;
            if (config.BatchSize > images)
            {
                // The planner checks the built-in data sets; an image folder's size is known only now.
                throw new SweepInputException(
                    $"{plan.SourcePath}: batch_size {config.BatchSize} is larger than the training set ({images} images of {loaded[key].Info.Title}); use a batch size of at most {images} or add images.");
            }
        }
        foreach (string device in plan.Runs.Select(r => r.Config.Device).Distinct())
        {
            TorchDevice.Resolve(device);
        }
        foreach (RunConfig config in plan.Runs.Select(r => r.Config).Where(c => c.Model == "torchscript")
                     .DistinctBy(c => (c.ModelFile, c.Dataset, c.TrainSize, c.Device)))
        {
            TorchScriptCheck.Check(config, loaded[DataRequest.For(config)].Info, TorchDevice.Resolve(config.Device));
        }
        return loaded;
    }
}
