using Sweep.Data;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>One training batch: its number (1-based) of the epoch's count, its size, images and labels.</summary>
internal readonly record struct TrainingBatch(int Number, int Count, int Size, Tensor X, Tensor Y);

/// <summary>Images (uint8) and labels a model is evaluated on: the test set, the validation set, or the training set itself.</summary>
internal sealed record EvaluationSet(string Name, Tensor Images, Tensor Labels)
{
    public int Count => (int)Labels.shape[0];
}

/// <summary>
/// A data set held on the run's device as uint8 images and int64 labels, with its normalisation
/// constants; batches are cut from it by index, never copied image by image.
/// </summary>
internal sealed class ImageTensors : IDisposable
{
    private readonly Tensor _scale;
    private readonly Tensor _shift;

    public ImageTensors(DatasetPair data, Device device)
    {
        Device = device;
        TrainImages = ToImages(data.Train, device);
        TrainLabels = tensor(data.Train.Labels.Select(l => (long)l).ToArray(), device: device);
        TestImages = ToImages(data.Test, device);
        TestLabels = tensor(data.Test.Labels.Select(l => (long)l).ToArray(), device: device);
        Test = new EvaluationSet("test", TestImages, TestLabels);
        Train = new EvaluationSet("train", TrainImages, TrainLabels);
        if (data.Validation is { } validation)
        {
            Validation = new EvaluationSet("validation", ToImages(validation, device),
                tensor(validation.Labels.Select(l => (long)l).ToArray(), device: device));
        }
        int c = data.Info.Channels;
        // (x / 255 - mean) / std as one multiply and one subtract.
        _scale = tensor(data.Info.Std.Select(s => 1f / (255f * s)).ToArray(), device: device).view(1, c, 1, 1);
        _shift = tensor(data.Info.Mean.Zip(data.Info.Std, (m, s) => m / s).ToArray(), device: device).view(1, c, 1, 1);
    }

    public Device Device { get; }
    public Tensor TrainImages { get; }
    public Tensor TrainLabels { get; }
    public Tensor TestImages { get; }
    public Tensor TestLabels { get; }
    public EvaluationSet Test { get; }

    /// <summary>The training images, evaluated like the test set (evaluate_train).</summary>
    public EvaluationSet Train { get; }

    /// <summary>The images held out of training to choose on (validation_size); null without them.</summary>
    public EvaluationSet? Validation { get; }

    public int TrainCount => (int)TrainLabels.shape[0];
    public int TestCount => (int)TestLabels.shape[0];

    /// <summary>
    /// Images an epoch trains on: all of them, except that a last batch of a single image is left
    /// out (a different image each epoch, as the order is shuffled). Batch norm cannot normalise one
    /// value per channel: libtorch then records a NaN running variance and every later test loss is
    /// NaN, where PyTorch refuses the batch with "Expected more than 1 value per channel".
    /// </summary>
    public int TrainedPerEpoch(int batchSize) => TrainCount > 1 && TrainCount % batchSize == 1 ? TrainCount - 1 : TrainCount;

    /// <summary>
    /// One epoch of training batches in the order the epoch's random draws shuffle them: the images
    /// augmented as bytes when asked (a quarter of the memory traffic of floats), then normalised,
    /// with their labels. Each batch lives in its own dispose scope, which ends when the caller
    /// moves on to the next one, so tensors the caller makes from it are freed with it.
    /// </summary>
    public IEnumerable<TrainingBatch> Batches(int batchSize, bool augment, EpochRandom random, CancellationToken cancel)
    {
        using Tensor order = random.Permutation(TrainCount, Device);
        int used = TrainedPerEpoch(batchSize);
        int count = (used + batchSize - 1) / batchSize;
        for (int batch = 0; batch < count; batch++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int start = batch * batchSize;
            int size = Math.Min(batchSize, used - start);
            Tensor index = order.narrow(0, start, size);
            Tensor x = TrainImages.index_select(0, index);
            if (augment)
            {
                x = BatchAugmenter.Apply(x, random);
            }
            yield return new TrainingBatch(batch + 1, count, size, Normalise(x), TrainLabels.index_select(0, index));
        }
    }

    /// <summary>
    /// An evaluation set in order, in batches of up to <paramref name="batchSize"/>, normalised, with
    /// labels; each batch lives in its own dispose scope, as in <see cref="Batches"/>.
    /// </summary>
    public IEnumerable<(Tensor X, Tensor Y)> EvaluationBatches(EvaluationSet set, int batchSize)
    {
        for (int start = 0; start < set.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(batchSize, set.Count - start);
            yield return (Normalise(set.Images.narrow(0, start, size)), set.Labels.narrow(0, start, size));
        }
    }

    /// <summary>Bytes to normalised floats: (x / 255 − mean) / std per channel.</summary>
    public Tensor Normalise(Tensor bytes) => bytes.to(float32).mul_(_scale).sub_(_shift);

    public void Dispose()
    {
        TrainImages.Dispose();
        TrainLabels.Dispose();
        TestImages.Dispose();
        TestLabels.Dispose();
        Validation?.Images.Dispose();
        Validation?.Labels.Dispose();
        _scale.Dispose();
        _shift.Dispose();
    }

    private static Tensor ToImages(ImageSet set, Device device) =>
        tensor(set.Pixels, [set.Count, set.Channels, set.Height, set.Width], dtype: uint8, device: device);
}
