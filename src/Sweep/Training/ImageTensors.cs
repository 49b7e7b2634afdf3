using Sweep.Data;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// A data set held on the run's device as uint8 images and int64 labels, with its normalisation
/// constants; batches are cut from it by index, never copied image by image.
/// </summary>
internal sealed class ImageTensors : IDisposable
{
    private readonly Tensor _mean;
    private readonly Tensor _std;

    public ImageTensors(DatasetPair data, Device device)
    {
        Device = device;
        TrainImages = ToImages(data.Train, device);
        TrainLabels = tensor(data.Train.Labels.Select(l => (long)l).ToArray(), device: device);
        TestImages = ToImages(data.Test, device);
        TestLabels = tensor(data.Test.Labels.Select(l => (long)l).ToArray(), device: device);
        int c = data.Info.Channels;
        _mean = tensor(data.Info.Mean, device: device).view(1, c, 1, 1);
        _std = tensor(data.Info.Std, device: device).view(1, c, 1, 1);
    }

    public Device Device { get; }
    public Tensor TrainImages { get; }
    public Tensor TrainLabels { get; }
    public Tensor TestImages { get; }
    public Tensor TestLabels { get; }
    public int TrainCount => (int)TrainLabels.shape[0];
    public int TestCount => (int)TestLabels.shape[0];

    /// <summary>The training images at <paramref name="index"/>, scaled to [0, 1].</summary>
    public Tensor TrainBatch(Tensor index) => TrainImages.index_select(0, index).to(float32).div_(255);

    public Tensor Normalise(Tensor batch) => batch.sub(_mean).div_(_std);

    public void Dispose()
    {
        TrainImages.Dispose();
        TrainLabels.Dispose();
        TestImages.Dispose();
        TestLabels.Dispose();
        _mean.Dispose();
        _std.Dispose();
    }

    private static Tensor ToImages(ImageSet set, Device device) =>
        tensor(set.Pixels, [set.Count, set.Channels, set.Height, set.Width], dtype: uint8, device: device);
}
