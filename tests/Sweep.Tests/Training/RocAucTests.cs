using System.Globalization;
using Sweep.Tests.Support;
using Sweep.Training;

namespace Sweep.Tests.Training;

public sealed class RocAucTests
{
    [Test]
    public void Hand_checked_cases()
    {
        // Perfect, reversed, and one tie between a positive and a negative (counts half).
        Assert.That(RocAuc.Binary([0.1, 0.2, 0.8, 0.9], [false, false, true, true]), Is.EqualTo(1.0));
        Assert.That(RocAuc.Binary([0.9, 0.8, 0.2, 0.1], [false, false, true, true]), Is.EqualTo(0.0));
        Assert.That(RocAuc.Binary([0.1, 0.5, 0.5, 0.9], [false, false, true, true]), Is.EqualTo(0.875));
        Assert.That(RocAuc.Binary([0.3, 0.4], [true, true]), Is.NaN, "no negatives: undefined");
    }

    [Test]
    public void Two_classes_use_the_second_columns_score()
    {
        // Second column 0.1, 0.4 for class 0 and 0.35, 0.8 for class 1: of the 4 (positive, negative)
        // pairs, 3 are ordered right → 0.75; the first column would give 0.25.
        float[] scores = [0.9f, 0.1f, 0.6f, 0.4f, 0.65f, 0.35f, 0.2f, 0.8f];
        Assert.That(RocAuc.Of(scores, [0L, 0, 1, 1], 2), Is.EqualTo(0.75).Within(1e-12));
    }

    [Test]
    public void More_classes_average_each_class_against_the_rest()
    {
        // Class 0: 0.6 above 0.2 and 0.5 → 1; class 1: 0.5 above 0.3 and 0.1 → 1; class 2: 0.2 above 0.1, below 0.3 → 0.5.
        float[] scores = [0.6f, 0.3f, 0.1f, 0.2f, 0.5f, 0.3f, 0.5f, 0.1f, 0.2f];
        Assert.That(RocAuc.Of(scores, [0L, 1, 2], 3), Is.EqualTo((1 + 1 + 0.5) / 3).Within(1e-12));

        // The same with class 2's positive tied with a negative (0.3 and 0.3): the tie counts half → 0.75.
        float[] tied = [0.6f, 0.3f, 0.1f, 0.2f, 0.5f, 0.3f, 0.5f, 0.1f, 0.3f];
        Assert.That(RocAuc.Of(tied, [0L, 1, 2], 3), Is.EqualTo((1 + 1 + 0.75) / 3).Within(1e-12));
    }

    [Test]
    public void A_class_with_no_rows_is_left_out_of_the_average()
    {
        // Class 0: 0.7 above 0.45, 0.4 below it → 0.5; class 1: 0.6 above 0.2 and 0.5 → 1; class 2 has no positives.
        float[] scores = [0.7f, 0.2f, 0.1f, 0.4f, 0.5f, 0.1f, 0.45f, 0.6f, 0.1f];
        Assert.That(RocAuc.Of(scores, [0L, 0, 1], 3), Is.EqualTo(0.75).Within(1e-12));
        Assert.That(RocAuc.Of([0.5f, 0.5f, 0.4f, 0.6f], [1L, 1], 2), Is.NaN, "one class only: undefined");
    }

    [TestCase(2)]
    [TestCase(10)]
    public void Agrees_with_scikit_learn_ties_included(int classes)
    {
        Python.Require("sklearn", "python3-sklearn");
        var random = new Random(classes);
        int n = 997;
        long[] labels = Enumerable.Range(0, n).Select(i => (long)(i < classes ? i : random.Next(classes))).ToArray();
        // Scores rounded to one decimal, so many rows tie; each row sums to 1 like softmax output.
        float[] scores = new float[n * classes];
        for (int i = 0; i < n; i++)
        {
            double[] raw = Enumerable.Range(0, classes).Select(c => Math.Round(random.NextDouble() + (labels[i] == c ? 0.3 : 0), 1)).ToArray();
            double sum = raw.Sum();
            for (int c = 0; c < classes; c++)
            {
                scores[i * classes + c] = (float)(raw[c] / sum);
            }
        }
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("labels.txt"), labels.Select(l => l.ToString(CultureInfo.InvariantCulture)));
        File.WriteAllLines(dir.File("scores.txt"), Enumerable.Range(0, n).Select(i =>
            string.Join(" ", Enumerable.Range(0, classes).Select(c => scores[i * classes + c].ToString("R", CultureInfo.InvariantCulture)))));

        var (code, output) = Python.Run("""
            import numpy as np
            from sklearn.metrics import roc_auc_score
            y = np.loadtxt("labels.txt", dtype=np.int64)
            s = np.loadtxt("scores.txt", dtype=np.float32).astype(np.float64)
            auc = roc_auc_score(y, s[:, 1]) if s.shape[1] == 2 else roc_auc_score(y, s, multi_class="ovr", average="macro")
            print(repr(float(auc)))
            """, dir.Path);

        Assert.That(code, Is.EqualTo(0), output);
        double expected = double.Parse(output.Trim(), CultureInfo.InvariantCulture);
        Assert.That(RocAuc.Of(scores, labels, classes), Is.EqualTo(expected).Within(1e-12));
    }
}
