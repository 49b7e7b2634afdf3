namespace Sweep.Kernel;

/// <summary>One mini-batch of an LR range test: its learning rate, its loss and the smoothed loss so far.</summary>
internal sealed record LrPoint(int Step, double Lr, double Loss, double Smoothed);

/// <summary>
/// The curve of an LR range test and what it suggests. Pure: the points come from the trainer,
/// the suggestions are computed here, so they are tested on hand-made curves.
/// </summary>
internal sealed record LrCurve(IReadOnlyList<LrPoint> Points, bool StoppedEarly)
{
    /// <summary>Exponential moving average weight of earlier losses.</summary>
    public const double Beta = 0.98;

    /// <summary>The test stops when the smoothed loss exceeds this many times its minimum.</summary>
    public const double StopFactor = 4;

    /// <summary>
    /// The learning rate where the smoothed loss falls fastest per decade of learning rate, before
    /// its minimum (finite differences over five points, ignoring the first tenth of the curve,
    /// where the moving average is still settling, and the noisy climb after the minimum), or null
    /// when it never falls.
    /// </summary>
    public double? SteepestDescent()
    {
        int skip = Math.Max(1, Points.Count / 10);
        int minimum = 0;
        for (int i = 1; i < Points.Count; i++)
        {
            if (double.IsFinite(Points[i].Smoothed) && !(Points[i].Smoothed >= Points[minimum].Smoothed))
            {
                minimum = i;
            }
        }
        double best = 0;
        double? lr = null;
        for (int i = skip; i + 2 < Points.Count && i <= minimum; i++)
        {
            LrPoint before = Points[Math.Max(0, i - 2)], after = Points[i + 2];
            double slope = (after.Smoothed - before.Smoothed) / (Math.Log10(after.Lr) - Math.Log10(before.Lr));
            if (double.IsFinite(slope) && slope < best)
            {
                best = slope;
                lr = Points[i].Lr;
            }
        }
        return lr;
    }

    /// <summary>
    /// The learning rate at the smoothed loss's minimum, divided by ten (a common rule of thumb); null
    /// when the loss never fell below its first value, or when a tenth of the minimum's rate lies below
    /// the test's start (the range did not start low enough to say).
    /// </summary>
    public double? MinimumOverTen() =>
        Points.Where(p => double.IsFinite(p.Smoothed)).MinBy(p => p.Smoothed) is { } min && min.Step > 1 && min.Lr / 10 >= Points[0].Lr
            ? min.Lr / 10 : null;

    /// <summary>True when the smoothed loss never went below its first value.</summary>
    public bool NeverFell => Points.Count == 0 || Points.Where(p => double.IsFinite(p.Smoothed)).MinBy(p => p.Smoothed)?.Step is null or 1;

    /// <summary>
    /// Adds one loss: smooths it (bias-corrected moving average) and says whether the test should
    /// stop (the loss is not a number, or the smoothed loss has passed <see cref="StopFactor"/> × its minimum).
    /// </summary>
    public static (LrPoint Point, bool Stop) Next(List<LrPoint> points, ref double average, double lr, double loss)
    {
        int step = points.Count + 1;
        average = Beta * average + (1 - Beta) * loss;
        double smoothed = average / (1 - Math.Pow(Beta, step));
        var point = new LrPoint(step, lr, loss, smoothed);
        points.Add(point);
        double minimum = points.Min(p => p.Smoothed);
        return (point, !double.IsFinite(loss) || step > 1 && smoothed > StopFactor * minimum);
    }

    /// <summary>The learning rate of step <paramref name="step"/> (1-based) of <paramref name="steps"/>, rising exponentially.</summary>
    public static double LrAt(int step, int steps, double start, double end) =>
        steps <= 1 ? start : start * Math.Pow(end / start, (step - 1) / (double)(steps - 1));
}
