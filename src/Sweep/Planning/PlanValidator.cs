using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Planning;

/// <summary>Checks what only the expanded plan shows: duplicate runs and settings that do not fit together.</summary>
internal static class PlanValidator
{
    /// <summary>A model_file no run reads: the built-in model would train and the file never be opened.</summary>
    public static void CheckModelFileIsUsed(IReadOnlyList<RunConfig> configs, string path)
    {
        if (configs.Any(c => c.ModelFile.Length > 0) && configs.All(c => !c.ModelKind.ReadsModelFile))
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
            CheckTarget(config, path);
            if (config.Nesterov && (config.OptimizerKind != OptimizerCatalog.Sgd || config.Momentum == 0))
            {
                throw new SweepInputException($"{path}: nesterov: true needs optimizer: sgd with a momentum above 0 (got optimizer {config.Optimizer}, momentum {config.Momentum}); set both or drop nesterov.");
            }
            if (config.BatchSize < config.ModelKind.SmallestBatch)
            {
                // VGG: its last blocks see 1×1 maps, batch norm over one image has no variance, and libtorch records a NaN for it.
                throw new SweepInputException(
                    $"{path}: model {config.Model} cannot train with batch_size {config.BatchSize}: its batch norm needs at least {config.ModelKind.SmallestBatch} images per batch (PyTorch refuses fewer); use a batch_size of {config.ModelKind.SmallestBatch} or more.");
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

    /// <summary>A target needs a metric and a value that fit each other, and validation images when it watches them.</summary>
    private static void CheckTarget(RunConfig config, string path)
    {
        if (config.TargetMetric == "none")
        {
            if (config.TargetValue is not null || config.TargetEvery is not null)
            {
                throw new SweepInputException($"{path}: target_value or target_every is set without target_metric; say which metric to watch, for example 'target: {{metric: val_loss, value: 0.35}}'.");
            }
            return;
        }
        if (config.TargetValue is not { } value)
        {
            throw new SweepInputException($"{path}: target_metric {config.TargetMetric} needs target_value, the value to reach.");
        }
        if (Metric.Named(config.TargetMetric).IsFraction && value is <= 0 or > 1)
        {
            throw new SweepInputException($"{path}: target_value {value} is not an accuracy; {config.TargetMetric} is a fraction from 0 to 1 (0.9 for 90%).");
        }
        if (Metric.Named(config.TargetMetric).NeedsValidation && config.ValidationSize is null)
        {
            throw new SweepInputException($"{path}: target_metric {config.TargetMetric} watches the validation set, but validation_size is not set; hold some training images out (validation_size: 6000) or watch test_loss.");
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
        if (Metric.Named(halving.Metric).NeedsValidation && runs.Any(r => r.Config.ValidationSize is null))
        {
            throw new SweepInputException($"{path}: halving ranks by {halving.Metric}, which needs a validation set; set validation_size (for example 6000) or rank by a test metric.");
        }
        if (runs.Any(r => r.Config.TargetMetric != "none"))
        {
            throw new SweepInputException($"{path}: 'halving' ranks runs at fixed epochs and 'target' stops each run when it reaches its target; use one of them.");
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
