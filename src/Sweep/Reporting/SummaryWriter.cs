using System.Globalization;
using System.Net;
using System.Text;
using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Reporting;

/// <summary>
/// Writes index.html (one static page: figures, a sortable table of runs, the verdict; no
/// server, no network, no external script) and summary.md (the same table and verdict for a
/// terminal or a git forge).
/// </summary>
internal static class SummaryWriter
{
    /// <summary>The runs table: the facet settings (what varies besides lr, batch size and seed) come right after the id.</summary>
    private static string[] AllColumns(ReportData data) =>
        ["run_id", .. data.FacetSettings, "lr", "batch_size", "seed", "status", "final_train_loss", "final_test_loss", AccuracyColumn, "final_test_auc",
         "diverged_at_epoch", "stopped_at_epoch", "error", "fused_pack"];

    /// <summary>Accuracy is shown in percent, as the verdict states it.</summary>
    private const string AccuracyColumn = "final_test_accuracy (%)";

    /// <summary>Columns shown as text (left-aligned) in the page.</summary>
    private static readonly HashSet<string> TextColumns = ["run_id", "status", "error", "fused_pack"];

    /// <summary>The columns and rows of the runs table, without columns that no run fills (divergence, halving, errors, packs in an ordinary sweep).</summary>
    private static (string[] Columns, List<string[]> Rows) RunsTable(ReportData data)
    {
        string[] all = AllColumns(data);
        List<string[]> rows = Rows(data).ToList();
        int[] kept = Enumerable.Range(0, all.Length).Where(i => i < 6 + data.FacetSettings.Count || rows.Any(r => r[i].Length > 0)).ToArray();
        return (kept.Select(i => all[i]).ToArray(), rows.Select(r => kept.Select(i => r[i]).ToArray()).ToList());
    }

    /// <summary>How often a live page reloads itself while its sweep runs.</summary>
    public const int LiveReloadSeconds = 15;

    /// <param name="live">The sweep is still running: the page says so and reloads itself; the final page does not.</param>
    public static void Write(ReportData data, IReadOnlyList<string> verdict, IReadOnlyList<string> againstReference, IReadOnlyList<string> figures, string outDir,
        bool live = false)
    {
        // Written beside and renamed: a browser reloading the page never reads half of it.
        string markdown = Markdown(data, verdict, againstReference, figures), html = Html(data, verdict, againstReference, figures, live);
        AtomicFile.Write(Path.Combine(outDir, "summary.md"), s => s.Write(Encoding.UTF8.GetBytes(markdown)));
        AtomicFile.Write(Path.Combine(outDir, "index.html"), s => s.Write(Encoding.UTF8.GetBytes(html)));
    }

    private static IEnumerable<string[]> Rows(ReportData data)
    {
        var facets = data.FacetSettings;
        return data.Runs
            .Select(r => (Run: r, Facet: facets.Select(f => ReportData.SettingsOf(r).GetValueOrDefault(f) ?? "").ToArray()))
            .OrderBy(x => string.Join("\u0001", x.Facet), StringComparer.Ordinal).ThenBy(x => x.Run.BatchSize).ThenBy(x => x.Run.Lr).ThenBy(x => x.Run.Seed)
            .Select(x => (string[])
            [
                x.Run.RunId, .. x.Facet, RunConfig.FormatLr(x.Run.Lr), N(x.Run.BatchSize), N(x.Run.Seed), x.Run.Status.Text(), N(x.Run.FinalTrainLoss, "0.000"),
                N(x.Run.FinalTestLoss, "0.000"), N(x.Run.FinalTestAccuracy * 100, "0.0"), N(x.Run.FinalTestAuc, "0.0000"), x.Run.DivergedAtEpoch?.ToString(CultureInfo.InvariantCulture) ?? "",
                x.Run.PrunedAtEpoch?.ToString(CultureInfo.InvariantCulture) ?? "", x.Run.Error ?? "", x.Run.FusedPack ?? "",
            ]);
    }

    private static string Markdown(ReportData data, IReadOnlyList<string> verdict, IReadOnlyList<string> againstReference, IReadOnlyList<string> figures)
    {
        var md = new StringBuilder();
        md.AppendLine($"# Sweep report: {data.SweepName}").AppendLine();
        md.AppendLine($"{data.Subject}").AppendLine();
        md.AppendLine("## Verdict").AppendLine();
        foreach (string line in verdict)
        {
            md.AppendLine($"- {line}");
        }
        if (againstReference.Count > 0)
        {
            md.AppendLine().AppendLine("## Against the reference").AppendLine();
            foreach (string line in againstReference)
            {
                md.AppendLine($"- {line}");
            }
        }
        md.AppendLine().AppendLine("## Runs").AppendLine();
        var (columns, rows) = RunsTable(data);
        md.AppendLine("| " + string.Join(" | ", columns) + " |");
        md.AppendLine("|" + string.Concat(columns.Select(c => TextColumns.Contains(c) || data.FacetSettings.Contains(c) ? "---|" : "--:|")));
        foreach (string[] row in rows)
        {
            md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }
        md.AppendLine().AppendLine("## Figures").AppendLine();
        foreach (string figure in figures)
        {
            md.AppendLine($"![{Figures.FigureCaptions.For(figure)}]({figure})").AppendLine().AppendLine($"*{Figures.FigureCaptions.For(figure)}*").AppendLine();
        }
        return md.ToString();
    }

    private static string Html(ReportData data, IReadOnlyList<string> verdict, IReadOnlyList<string> againstReference, IReadOnlyList<string> figures, bool live)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        if (live)
        {
            html.AppendLine($"<meta http-equiv=\"refresh\" content=\"{LiveReloadSeconds}\">");
        }
        html.AppendLine($"<title>Sweep report: {E(data.SweepName)}</title>");
        html.AppendLine("""
            <style>
              body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1400px; }
              table { border-collapse: collapse; font-size: 0.9em; }
              th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; white-space: nowrap; }
              td.wrap { white-space: normal; }
              figure { margin: 1em 0; } figcaption { color: #444; font-size: 0.95em; max-width: 900px; }
              th { background: #eee; cursor: pointer; user-select: none; }
              td.text { text-align: left; }
              tr.diverged td, tr.failed td { background: #fde8e8; }
              img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
            </style>
            </head><body>
            """);
        html.AppendLine($"<h1>Sweep report: {E(data.SweepName)}</h1>");
        html.AppendLine($"<p>{E(data.Subject)}</p>");
        if (live)
        {
            html.AppendLine($"<p id=\"live\"><b>This sweep is still running</b>: {data.Runs.Count(r => r.Status.IsFinished())} runs finished so far; the page reloads every {LiveReloadSeconds} s.</p>");
        }
        html.AppendLine("<h2>Verdict</h2><ul>");
        foreach (string line in verdict)
        {
            html.AppendLine($"<li>{E(line)}</li>");
        }
        html.AppendLine("</ul>");
        if (againstReference.Count > 0)
        {
            html.AppendLine("<h2>Against the reference</h2><ul>");
            foreach (string line in againstReference)
            {
                html.AppendLine($"<li>{E(line)}</li>");
            }
            html.AppendLine("</ul>");
        }
        html.AppendLine("<h2>Runs</h2><p>Click a column heading to sort.</p>");
        var (columns, rows) = RunsTable(data);
        int status = Array.IndexOf(columns, "status");
        var isText = columns.Select(c => TextColumns.Contains(c) || data.FacetSettings.Contains(c)).ToArray();
        html.AppendLine("<table id=\"runs\"><thead><tr>" + string.Concat(columns.Select(c => $"<th>{E(c)}</th>")) + "</tr></thead><tbody>");
        foreach (string[] row in rows)
        {
            html.AppendLine($"<tr class=\"{E(row[status])}\">" + string.Concat(row.Select((c, i) => columns[i] == "error" ? $"<td class=\"text wrap\">{E(c)}</td>" : isText[i] ? $"<td class=\"text\">{E(c)}</td>" : $"<td>{E(c)}</td>")) + "</tr>");
        }
        html.AppendLine("</tbody></table><h2>Figures</h2>");
        foreach (string figure in figures)
        {
            string caption = Figures.FigureCaptions.For(figure);
            html.AppendLine($"<figure><img src=\"{E(figure)}\" alt=\"{E(caption)}\"><figcaption>{E(caption)}</figcaption></figure>");
        }
        html.AppendLine("""
            <script>
            // Sort the runs table by the clicked column; numbers numerically, the rest as text.
            document.querySelectorAll('#runs th').forEach((th, column) => th.addEventListener('click', () => {
              const body = document.querySelector('#runs tbody');
              const rows = Array.from(body.rows);
              const ascending = th.dataset.order !== 'asc';
              const key = r => { const t = r.cells[column].textContent.trim(); const n = t === '' ? NaN : Number(t); return isNaN(n) ? t : n; };
              rows.sort((a, b) => { const x = key(a), y = key(b); return (x > y ? 1 : x < y ? -1 : 0) * (ascending ? 1 : -1); });
              rows.forEach(r => body.appendChild(r));
              document.querySelectorAll('#runs th').forEach(h => delete h.dataset.order);
              th.dataset.order = ascending ? 'asc' : 'desc';
            }));
            </script>
            </body></html>
            """);
        return html.ToString();
    }

    private static string N(long? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>A number with the column's fixed decimals, so digits line up down a column.</summary>
    private static string N(double? v, string format) => v is { } d ? (double.IsFinite(d) ? d.ToString(format, CultureInfo.InvariantCulture) : d.ToString(CultureInfo.InvariantCulture)) : "";
}
