using Sweep.Kernel;
using Sweep.Training;

namespace Sweep.Tests.Support;

/// <summary>
/// The training observer tests share: records every epoch and counts batches; a warning fails
/// the test unless <see cref="AllowWarnings"/>; hooks run after each epoch and batch.
/// </summary>
internal sealed class EpochLog : ITrainingObserver
{
    public List<EpochMetrics> Epochs { get; } = [];

    public List<string> Warnings { get; } = [];

    public int Batches { get; private set; }

    public int ResumedFrom { get; private set; } = -1;

    public bool AllowWarnings { get; init; }

    public Action<EpochMetrics>? AfterEpoch { get; set; }

    public Action<int>? AfterBatch { get; set; }

    public void OnStart(int resumedFromEpoch) => ResumedFrom = resumedFromEpoch;

    public void OnWarning(string message)
    {
        Warnings.Add(message);
        if (!AllowWarnings)
        {
            Assert.Fail("unexpected warning: " + message);
        }
    }

    public void OnBatch(int epoch, int batch, int batches)
    {
        Batches++;
        AfterBatch?.Invoke(Batches);
    }

    public void OnEpoch(EpochMetrics metrics)
    {
        Epochs.Add(metrics);
        AfterEpoch?.Invoke(metrics);
    }
}
