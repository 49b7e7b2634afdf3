using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Data;

/// <summary>Which data a run needs and where it may come from.</summary>
internal sealed record DataRequest(string Dataset, string DataDir, int? TrainSize, int? TestSize, bool Download = false, string Mirror = "",
    int? ImageSize = null, int ImageChannels = 3, int? ValidationSize = null)
{
    public static DataRequest For(RunConfig c) => c.Dataset == KnownDatasets.ImageFolder
        ? new(c.Dataset, c.DataDir, c.TrainSize, c.TestSize, ImageSize: c.ImageSize, ImageChannels: c.ImageChannels, ValidationSize: c.ValidationSize)
        // The size settings mean nothing to the built-in data sets: leaving them out shares one load.
        : new(c.Dataset, c.DataDir, c.TrainSize, c.TestSize, c.Download, c.Mirror, ValidationSize: c.ValidationSize);
}
