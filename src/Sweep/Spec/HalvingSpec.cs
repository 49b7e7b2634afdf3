namespace Sweep.Spec;

/// <summary>
/// Successive halving over a grid: every run trains to the first rung (<see cref="MinEpochs"/>),
/// then only the best 1/<see cref="Eta"/> of the configurations of each group go on to the next
/// rung (<c>MinEpochs × Eta^k</c>), up to the runs' <c>epochs</c>. Groups are the runs that share
/// the values of the <see cref="Within"/> settings (all runs when empty), so with
/// <c>within: [batch_size]</c> every batch size keeps its best learning rate.
/// </summary>
/// <param name="MetricGiven">False when the file left metric out: the planner then ranks by val_loss where the runs hold out a validation set.</param>
internal sealed record HalvingSpec(int MinEpochs, int Eta, string Metric, IReadOnlyList<string> Within, bool MetricGiven = true)
{
    public static readonly IReadOnlyList<string> Metrics = Kernel.Metric.RankingNames;

    /// <summary>Loss falls as a run gets better; accuracy and AUC rise.</summary>
    public bool LowerIsBetter => Kernel.Metric.Named(Metric).LowerIsBetter;

    /// <summary>The epochs at which decisions are made: MinEpochs × Eta^k below <paramref name="epochs"/>.</summary>
    public IReadOnlyList<int> Rungs(int epochs)
    {
        var rungs = new List<int>();
        for (long rung = MinEpochs; rung < epochs; rung *= Eta)
        {
            rungs.Add((int)rung);
        }
        return rungs;
    }

    /// <summary>How many of <paramref name="configurations"/> go on past a rung: the best 1/eta, at least one.</summary>
    public int Keep(int configurations) => Math.Max(1, configurations / Eta);
}
