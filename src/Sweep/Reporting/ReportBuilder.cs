using Sweep.Reporting.Figures;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>What a report produced.</summary>
internal sealed record ReportResult(ReportData Data, IReadOnlyList<string> Figures, IReadOnlyList<string> Verdict, int? PlannedRuns);

/// <summary>The report stage: figures, verdict, index.html and summary.md for one sweep.</summary>
internal static class ReportBuilder
{
    public static ReportResult Build(RunRepository repository, string sweepName, string outDir)
    {
        ReportData data = ReportData.Read(repository, sweepName);
        Directory.CreateDirectory(outDir);
        var figures = ReportWriter.Write(data, outDir).Select(Path.GetFileName).ToList();
        int? planned = repository.PlannedRunCount(sweepName);
        var verdict = Verdict.Of(data, planned);
        SummaryWriter.Write(data, verdict, figures!, outDir);
        return new ReportResult(data, figures!, verdict, planned);
    }
}
