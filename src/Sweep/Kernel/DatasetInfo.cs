namespace Sweep.Kernel;

/// <summary>What a data set looks like, known before any file is read.</summary>
internal sealed record DatasetInfo(
    string Name,
    string Title,
    int Channels,
    int Height,
    int Width,
    int Classes,
    int TrainCount,
    int TestCount,
    float[] Mean,
    float[] Std);
