using Sweep.Kernel;

namespace Sweep.Training;

/// <summary>
/// Area under the ROC curve from class scores, as scikit-learn's <c>roc_auc_score</c> computes it:
/// for two classes the AUC of the second class's score; for more, the unweighted mean of each
/// class against the rest (multi_class='ovr', average='macro'). Tied scores count half, which is
/// the Mann–Whitney rank statistic with average ranks.
/// </summary>
internal static class RocAuc
{
    /// <param name="scores">Row-major [count, classes] scores (softmax probabilities).</param>
    /// <param name="labels">The true class of each row.</param>
    /// <returns>NaN when no class has both positives and negatives among the rows.</returns>
    public static double Of(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, int classes)
    {
        int count = labels.Length;
        if (scores.Length != count * classes)
        {
            throw new ArgumentException($"{scores.Length} scores for {count} rows of {classes} classes");
        }
        var column = new double[count];
        var positive = new bool[count];
        if (classes == 2)
        {
            Fill(scores, labels, classes, 1, column, positive);
            return Binary(column, positive);
        }
        double sum = 0;
        int defined = 0;
        for (int c = 0; c < classes; c++)
        {
            Fill(scores, labels, classes, c, column, positive);
            double auc = Binary(column, positive);
            if (!double.IsNaN(auc))
            {
                sum += auc;
                defined++;
            }
        }
        return defined == 0 ? double.NaN : sum / defined;
    }

    /// <summary>AUC of one score against a yes/no truth; NaN when either side is empty.</summary>
    public static double Binary(double[] score, bool[] positive)
    {
        double[] ranks = Ranks.Average(score);
        double positiveRankSum = 0;
        long positives = 0;
        for (int i = 0; i < score.Length; i++)
        {
            if (positive[i])
            {
                positiveRankSum += ranks[i];
                positives++;
            }
        }
        long negatives = score.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    private static void Fill(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, int classes, int c, double[] column, bool[] positive)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            column[i] = scores[i * classes + c];
            positive[i] = labels[i] == c;
        }
    }
}
