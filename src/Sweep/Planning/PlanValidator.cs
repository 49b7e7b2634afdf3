using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Planning;

/// <summary>Checks what only the expanded plan shows: duplicate runs and settings that do not fit together.</summary>
internal static class PlanValidator
{
    /// <summary>A model_file no run reads: the built-in model would train and the file never be opened.</summary>
    public static void CheckModelFileIsUsed(IReadOnlyList<RunConfig> configs, string path)
    {
        if (configs.Any(c => c.ModelFile.Length > 0) && configs.All(c => c.Model != "torchscript"))
        {
            throw new SweepInputException($"{path}: model_file is set but no run uses model: torchscript, and the built-in models ignore it; add 'model: torchscript' (or put torchscript in the model axis), or remove model_file.");
        }
    }

    public static void Check(IReadOnlyList<PlannedRun> runs, string path)
    {
        var duplicate = runs.GroupBy(r => r.RunId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
        {
            throw new SweepInputException($"{path}: the plan holds the same run twice (id {duplicate.Key}, seed {duplicate.First().Config.Seed}); with 'repeats' the seeds are seed, seed+1, …, so do not also list those seeds in 'grid'.");
        }
        foreach (RunConfig config in runs.Select(r => r.Config))
        {
            if (config.Nesterov && (config.Optimizer != "sgd" || config.Momentum == 0))
            {
                throw new SweepInputException($"{path}: nesterov: true needs optimizer: sgd with a momentum above 0 (got optimizer {config.Optimizer}, momentum {config.Momentum}); set both or drop nesterov.");
            }
            if (config.Model == "vgg" && config.BatchSize < 2)
            {
                // Its last blocks see 1×1 maps: batch norm over one image has no variance, and libtorch records a NaN for it.
                throw new SweepInputException(
                    $"{path}: model vgg cannot train with batch_size 1: its batch norm needs at least 2 images per batch (PyTorch refuses one); use a batch_size of 2 or more.");
            }
            if (config.ValidationSize is { } validation && config.Dataset != KnownDatasets.ImageFolder
                && validation >= KnownDatasets.Describe(config.Dataset).TrainCount)
            {
                throw new SweepInputException(
                    $"{path}: validation_size {validation} leaves no training images: {config.Dataset} has {KnownDatasets.Describe(config.Dataset).TrainCount} training images; hold out fewer (a tenth is common).");
            }
            int trainSize = RunCostModel.TrainImages(config);
            // An image folder's size is known once its files are read; the preflight checks it then.
            if (config.Dataset != KnownDatasets.ImageFolder && config.BatchSize > trainSize)
            {
                throw new SweepInputException(
                    $"{path}: batch_size {config.BatchSize} is larger than the training set ({trainSize} images of {config.Dataset}); use a batch size of at most {trainSize} or a larger train_size.");
            }
        }
    }

    /// <summary>Successive halving needs one epoch budget across the plan and a first rung below it.</summary>
    public static void CheckHalving(IReadOnlyList<PlannedRun> runs, HalvingSpec? halving, bool fuse, string path)
    {
        if (halving is null)
        {
            return;
        }
        if (fuse)
        {
            throw new SweepInputException($"{path}: 'halving' trains runs one at a time and cannot be combined with 'fuse'; remove one of them.");
        }
        var epochs = runs.Select(r => r.Config.Epochs).Distinct().ToList();
        if (epochs.Count > 1)
        {
            throw new SweepInputException($"{path}: 'halving' needs every run to plan the same epochs (this plan has {string.Join(", ", epochs)}); set epochs once, outside 'grid'.");
        }
        if (halving.MinEpochs >= epochs[0])
        {
            throw new SweepInputException($"{path}: halving's min_epochs {halving.MinEpochs} is not below epochs {epochs[0]}, so there is no rung to decide at; lower min_epochs or raise epochs.");
        }
    }
}
