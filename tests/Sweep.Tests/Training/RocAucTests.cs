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
