using Sweep.Spec;

namespace Sweep.Data;

/// <summary>Which data a run needs and where it may come from.</summary>
internal sealed record DataRequest(string Dataset, string DataDir, int? TrainSize, int? TestSize, bool Download = false, string Mirror = "")
{
    public static DataRequest For(RunConfig c) => new(c.Dataset, c.DataDir, c.TrainSize, c.TestSize, c.Download, c.Mirror);
}
