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
    /// Test loss, accuracy and ROC AUC of K models evaluated together: <paramref name="logits"/>
    /// maps a batch to logits shaped [K, batch, classes] (K = 1 for a single run).
    /// </summary>
    public static (double[] Loss, double[] Accuracy, double[] Auc) Run(nn.Module network, int k, Func<Tensor, Tensor> logits, ImageTensors images) =>
        Run(network, k, logits, images, images.Test);

    /// <summary>
    /// The same over another set (validation, or the training images), in the same order every time.
    /// Without <paramref name="withAuc"/> the scores stay on the device (AUC NaN): only the test set's AUC is recorded.
    /// </summary>
    public static (double[] Loss, double[] Accuracy, double[] Auc) Run(nn.Module network, int k, Func<Tensor, Tensor> logits, ImageTensors images, EvaluationSet set,
        bool withAuc = true)
    {
        var probabilities = new List<float[]>();
        var labels = new List<long[]>();
        network.eval();
        using var noGrad = no_grad();
        using Tensor lossSum = zeros(k, dtype: float64, device: images.Device);
        using Tensor correct = zeros(k, dtype: int64, device: images.Device);
        foreach (var (x, y) in images.EvaluationBatches(set, BatchSize))
        {
            Tensor output = logits(x);
            long size = y.shape[0], classes = output.shape[2];
            lossSum.add_(nn.functional.cross_entropy(output.reshape(k * size, classes), y.repeat(k), reduction: nn.Reduction.None)
                .view(k, size).to(float64).sum([1]));
            correct.add_(output.argmax(2).eq(y.unsqueeze(0)).sum([1]));
            if (withAuc)
            {
                // Scores for the AUC, [K, batch, classes], gathered on the host: a few MB for the largest test set here.
                probabilities.Add(nn.functional.softmax(output, 2).contiguous().cpu().data<float>().ToArray());
                labels.Add(y.contiguous().cpu().data<long>().ToArray());
            }
        }
        double n = set.Count;
        return (lossSum.data<double>().Select(v => v / n).ToArray(), correct.data<long>().Select(c => c / n).ToArray(),
            withAuc ? AucPerSlice(probabilities, labels, k, set.Count) : Enumerable.Repeat(double.NaN, k).ToArray());
    }

    /// <summary>
    /// The validation set's loss and accuracy (NaN without one) and the training images' (NaN unless
    /// asked for), evaluated exactly as the test set is.
    /// </summary>
    public static ((double[] Loss, double[] Accuracy) Validation, (double[] Loss, double[] Accuracy) TrainEval) Extra(
        nn.Module network, int k, Func<Tensor, Tensor> logits, ImageTensors images, bool evaluateTrain)
    {
        double[] none = Enumerable.Repeat(double.NaN, k).ToArray();
        var validation = images.Validation is { } set ? Run(network, k, logits, images, set, withAuc: false) : (Loss: none, Accuracy: none, Auc: none);
        var train = evaluateTrain ? Run(network, k, logits, images, images.Train, withAuc: false) : (Loss: none, Accuracy: none, Auc: none);
        return ((validation.Loss, validation.Accuracy), (train.Loss, train.Accuracy));
    }

    /// <summary>Each slice's AUC over the whole test set, from the per-batch [K, batch, classes] scores.</summary>
    private static double[] AucPerSlice(List<float[]> batches, List<long[]> labels, int k, int count)
    {
        long[] allLabels = labels.SelectMany(l => l).ToArray();
        int classes = batches.Count == 0 ? 0 : batches[0].Length / (k * labels[0].Length);
        var auc = new double[k];
        var slice = new float[count * classes];
        for (int s = 0; s < k; s++)
        {
            int at = 0;
            for (int b = 0; b < batches.Count; b++)
            {
                int rows = labels[b].Length * classes;
                Array.Copy(batches[b], s * rows, slice, at, rows);
                at += rows;
            }
            auc[s] = classes == 0 ? double.NaN : RocAuc.Of(slice, allLabels, classes);
        }
        return auc;
    }
}
