using Sweep.Kernel;
using Sweep.Reporting.Figures;
using Sweep.Spec;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>What a report produced.</summary>
internal sealed record ReportResult(ReportData Data, IReadOnlyList<string> Figures, IReadOnlyList<string> Verdict, int? PlannedRuns,
    IReadOnlyList<string> AgainstReference);

/// <summary>The report stage: figures, verdict, index.html and summary.md for one sweep.</summary>
internal static class ReportBuilder
{
    /// <param name="live">Drawn while the sweep runs: the page reloads itself until the final report replaces it.</param>
    public static ReportResult Build(ReportReads repository, string sweepName, string outDir, bool live = false)
    {
        ReportData data = ReportData.Read(repository, sweepName);
        Directory.CreateDirectory(outDir);
        AtomicFile.DeleteOrphans(outDir);
        var figures = ReportWriter.Write(data, outDir).Select(Path.GetFileName).ToList();
        int? planned = repository.PlannedRunCount(sweepName);
        var verdict = Verdict.Of(data, planned);
        IReadOnlyList<string> againstReference = [];
        if (repository.Reference(sweepName) is { } stored)
        {
            // Parsed from the copy stored when the sweep started: the report needs neither the sweep file nor the CSV.
            var comparison = ReferenceComparison.Of(ReferenceTable.Parse(stored.Csv, stored.Path), data);
            againstReference = comparison.Findings();
            if (ReferenceFigure.Save(comparison, Path.Combine(outDir, ReferenceFigure.FileName)))
            {
                figures.Insert(0, ReferenceFigure.FileName);
            }
        }
        ReportWriter.RemoveStale(outDir, figures!, [ReferenceFigure.FileName]);
        SummaryWriter.Write(data, verdict, againstReference, figures!, outDir, live);
        return new ReportResult(data, figures!, verdict, planned, againstReference);
    }
}
