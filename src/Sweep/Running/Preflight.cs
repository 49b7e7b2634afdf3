using Sweep.Data;
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
    public static IReadOnlyDictionary<DataRequest, DatasetPair> Check(SweepPlan plan)
    {
        var loaded = new Dictionary<DataRequest, DatasetPair>();
        foreach (RunConfig config in plan.Runs.Select(r => r.Config))
        {
            var key = DataRequest.For(config);
            if (!loaded.ContainsKey(key))
            {
                loaded[key] = DatasetLoader.Load(key);
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
