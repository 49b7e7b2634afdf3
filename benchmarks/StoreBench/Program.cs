using System.Diagnostics;
using System.Globalization;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Storage;

// What the results store costs a sweep, without training: N workers (threads, each with its own
// connection and worker identity, as separate processes would have) claim R runs of one plan,
// write E epochs each and finish them, all through Sweep's repositories.
//   dotnet benchmarks/StoreBench/bin/Release/net10.0/StoreBench.dll DATABASE WORKERS RUNS EPOCHS
string database = args[0];
int workers = int.Parse(args[1], CultureInfo.InvariantCulture);
int runs = int.Parse(args[2], CultureInfo.InvariantCulture);
int epochs = int.Parse(args[3], CultureInfo.InvariantCulture);

// A file repeats a configuration at most 1000 times: larger plans repeat several learning rates.
int rates = (runs + 999) / 1000;
if (runs % rates != 0)
{
    Console.Error.WriteLine($"{runs} runs: give a multiple of {rates}");
    return 2;
}
string lrs = string.Join(", ", Enumerable.Range(1, rates).Select(i => (0.001 * i).ToString(CultureInfo.InvariantCulture)));
SweepPlan plan = SweepPlanner.Parse($"name: store-bench\nepochs: {epochs}\nrepeats: {runs / rates}\ngrid:\n  lr: [{lrs}]\n", "bench.yaml");
var clock = Stopwatch.StartNew();
using (ResultsStore store = ResultsStore.OpenForWriting(database))
{
    new RunRepository(store).StartSweep(plan);
}
double planSeconds = clock.Elapsed.TotalSeconds;

clock.Restart();
long claimed = 0, epochRows = 0;
var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
{
    using ResultsStore store = ResultsStore.OpenForWriting(database);
    var repository = new RunRepository(store, new WorkerIdentity(Environment.MachineName, Environment.ProcessId, $"bench-{w}-{Guid.NewGuid():N}"));
    long sweepId = repository.StartSweep(plan with { WholePlanRunIds = [] });
    long environmentId = repository.RecordEnvironment(sweepId, new EnvironmentRow { Host = "bench", Os = "linux", Device = "cpu", ThreadCount = 1, TorchVersion = "-", TorchsharpVersion = "-", DotnetVersion = "-" });
    // Each worker walks the plan from its own offset, as parallel workers meet runs in turn.
    for (int i = 0; i < plan.Runs.Count; i++)
    {
        PlannedRun run = plan.Runs[(i + w * plan.Runs.Count / workers) % plan.Runs.Count];
        if (repository.ClaimRuns(sweepId, environmentId, [run], "cpu", 1, TimeSpan.FromMinutes(2)).Begun.Count == 0)
        {
            continue;
        }
        Interlocked.Increment(ref claimed);
        for (int e = 1; e <= epochs; e++)
        {
            repository.AddEpoch(run.RunId, new EpochMetrics(e, 1.0 / e, 1.0 / e, 1.1 / e, 0.5, 0.001, 0.01, 1000));
            Interlocked.Increment(ref epochRows);
        }
        repository.FinishRun(run.RunId, RunStatus.Completed, null, null);
    }
})).ToList();
threads.ForEach(t => t.Start());
threads.ForEach(t => t.Join());
double trainSeconds = clock.Elapsed.TotalSeconds;

clock.Restart();
int read;
using (ResultsStore store = ResultsStore.OpenForReading(database))
{
    var reads = new ReportReads(store);
    var stored = reads.Runs("store-bench");
    read = reads.Epochs(stored.Select(r => r.RunId)).Count;
}
double reportSeconds = clock.Elapsed.TotalSeconds;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{(DatabaseAddress.IsServer(database) ? "postgresql" : "sqlite")} workers {workers}: plan of {runs} runs stored in {planSeconds:F2} s; " +
    $"{claimed} runs claimed, {epochRows} epochs written, {claimed} finished in {trainSeconds:F2} s " +
    $"({claimed / trainSeconds:F0} runs/s, {(claimed * 2 + epochRows) / trainSeconds:F0} writes/s); report read of {read} epochs in {reportSeconds:F2} s"));
if (claimed != runs || epochRows != (long)runs * epochs)
{
    Console.Error.WriteLine($"expected {runs} runs and {runs * epochs} epochs");
    return 1;
}
return 0;
