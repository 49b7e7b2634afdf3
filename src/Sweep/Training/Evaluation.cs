using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// The one evaluation every trainer uses: the whole test set without augmentation, in eval mode
/// and without gradients, the loss summed on the device and read once.
/// </summary>
internal static class Evaluation
{
    /// <summary>Test images per forward pass: large enough to keep the cores busy, small enough for any model here.</summary>
    public const int BatchSize = 1000;

    /// <summary>
    /// Test loss and accuracy of K models evaluated together: <paramref name="logits"/> maps a
    /// batch to logits shaped [K, batch, classes] (K = 1 for a single run).
    /// </summary>
    public static (double[] Loss, double[] Accuracy) Run(nn.Module network, int k, Func<Tensor, Tensor> logits, ImageTensors images)
    {
        network.eval();
        using var noGrad = no_grad();
        using Tensor lossSum = zeros(k, dtype: float64, device: images.Device);
        using Tensor correct = zeros(k, dtype: int64, device: images.Device);
        foreach (var (x, y) in images.TestBatches(BatchSize))
        {
            Tensor output = logits(x);
            long size = y.shape[0], classes = output.shape[2];
            lossSum.add_(nn.functional.cross_entropy(output.reshape(k * size, classes), y.repeat(k), reduction: nn.Reduction.None)
                .view(k, size).to(float64).sum([1]));
            correct.add_(output.argmax(2).eq(y.unsqueeze(0)).sum([1]));
        }
        double n = images.TestCount;
        return (lossSum.data<double>().Select(v => v / n).ToArray(), correct.data<long>().Select(c => c / n).ToArray());
    }
}
