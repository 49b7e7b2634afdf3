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
    /// <param name="note">Told what loading the data takes a while for (decoding an image folder), and what a model costs (a TorchScript model trained without oneDNN).</param>
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
            CheckFits(config, loaded[key], plan.SourcePath);
        }
        foreach (string device in plan.Runs.Select(r => r.Config.Device).Distinct())
        {
            TorchDevice.Resolve(device);
        }
        foreach (RunConfig config in plan.Runs.Select(r => r.Config).Where(c => c.ModelKind.ReadsModelFile)
                     .DistinctBy(c => (c.ModelFile, DataRequest.For(c), c.Device)))
        {
            if (TorchScriptCheck.Check(config, loaded[DataRequest.For(config)].Info, TorchDevice.Resolve(config.Device)) is { } warning)
            {
                note?.Invoke(warning);
            }
        }
        return loaded;
    }

    /// <summary>What only the loaded data shows: a batch larger than the training images, a single class, images too small for the model.</summary>
    private static void CheckFits(RunConfig config, DatasetPair data, string path)
    {
        int images = data.Train.Count;
        if (config.BatchSize > images)
        {
            // The planner checks the built-in data sets; an image folder's size is known only now.
            string advice = config.TrainSize == images ? "a larger train_size" : "more images";
            throw new SweepInputException(
                $"{path}: batch_size {config.BatchSize} is larger than the training set ({images} images of {data.Info.Title}); use a batch size of at most {images} or {advice}.");
        }
        if (data.Info.Classes < 2)
        {
            // An image folder with one class folder: every loss would be 0 and every accuracy 100 %.
            throw new SweepInputException(
                $"{path}: {data.Info.Title} has one class; a classifier needs at least two classes to tell apart, so add a folder per class under train/ and test/.");
        }
        int side = Math.Min(data.Info.Height, data.Info.Width);
        if (config.ModelKind.SmallestSide is { } smallest && side < smallest)
        {
            throw new SweepInputException(
                $"{path}: model {config.Model} needs images of at least {smallest}×{smallest}, but {data.Info.Title} gives {data.Info.Height}×{data.Info.Width}; set image_size to {smallest} or more, or choose another model.");
        }
    }
}
