using System.Globalization;
using Sweep.Kernel;

namespace Sweep.Spec;

/// <summary>One row of a reference table: the settings it names and the metrics it reports, with its line for messages.</summary>
internal sealed record ReferenceRow(int Line, IReadOnlyDictionary<string, object> Settings, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// Published results to set beside ours (<c>reference: FILE.csv</c> in a sweep file): a CSV with a
/// header of sweep settings (such as optimizer, lr, batch_size) and metric columns named as ours
/// (test_auc, test_accuracy, test_loss), one row per reference cell; lines starting with '#' are
/// comments, where the citation goes. Every mistake is an input error naming file and line.
/// </summary>
internal sealed record ReferenceTable(string Path, string Text, IReadOnlyList<string> SettingColumns, IReadOnlyList<string> MetricColumns, IReadOnlyList<ReferenceRow> Rows)
{
    public static IReadOnlyList<string> Metrics { get; } = Metric.Names;

    /// <summary>Larger files are refused before they are read: a reference table is a page of numbers.</summary>
    public const long MaxBytes = 1 << 20;

    public static ReferenceTable Read(string path)
    {
        InputFile.Require(path, $"{path}: the reference file", MaxBytes,
            $"{path}: the reference file does not exist; the path in 'reference' is relative to the sweep file.",
            size => $"{path}: the reference file is {size:N0} bytes, more than the {MaxBytes:N0} a table of published results needs; point 'reference' at the CSV of the table.");
        return Parse(File.ReadAllText(path), path);
    }

    public static ReferenceTable Parse(string text, string path)
    {
        var lines = text.TrimStart('\uFEFF').ReplaceLineEndings("\n").Split('\n');
        int headerLine = Array.FindIndex(lines, l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));
        if (headerLine < 0)
        {
            throw new SweepInputException($"{path}: the reference file has no header; its first line that is not a '#' comment names the columns, for example 'optimizer,lr,batch_size,test_auc'.");
        }
        string[] header = Cells(lines[headerLine]);
        var settings = new List<string>();
        var metrics = new List<string>();
        foreach (string column in header)
        {
            string where = $"{path}:{headerLine + 1}";
            if (settings.Contains(column) || metrics.Contains(column))
            {
                throw new SweepInputException($"{where}: column '{column}' appears twice; name each column once.");
            }
            if (Metrics.Contains(column))
            {
                metrics.Add(column);
            }
            else if (column == "seed")
            {
                throw new SweepInputException($"{where}: a reference row is compared with the mean over our seeds, so it cannot name a 'seed'; remove that column.");
            }
            else if (SettingCatalog.ByName.TryGetValue(column, out SettingSpec? spec) && spec.ChangesTraining)
            {
                settings.Add(column);
            }
            else
            {
                throw new SweepInputException($"{where}: column '{column}' is neither a training setting nor a metric; use setting names such as optimizer, lr, batch_size and metrics {string.Join(", ", Metrics)}.");
            }
        }
        if (settings.Count == 0 || metrics.Count == 0)
        {
            throw new SweepInputException($"{path}:{headerLine + 1}: the header needs at least one setting column and one metric column ({string.Join(", ", Metrics)}), for example 'lr,batch_size,test_auc'.");
        }

        var rows = new List<ReferenceRow>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = headerLine + 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0 || lines[i].TrimStart().StartsWith('#'))
            {
                continue;
            }
            ReferenceRow row = ReadRow(Cells(lines[i]), header, i + 1, path);
            string key = string.Join("\u0001", settings.Select(s => SettingValueReader.Describe(row.Settings[s])));
            if (seen.TryGetValue(key, out int first))
            {
                throw new SweepInputException($"{path}:{i + 1}: this row names the same settings as line {first}; give each reference cell one row.");
            }
            seen[key] = i + 1;
            rows.Add(row);
        }
        if (rows.Count == 0)
        {
            throw new SweepInputException($"{path}: the reference file has a header but no rows; add one row per reference cell.");
        }
        return new ReferenceTable(path, text, settings, metrics, rows);
    }

    private static ReferenceRow ReadRow(string[] cells, string[] header, int line, string path)
    {
        string where = $"{path}:{line}";
        if (cells.Length != header.Length)
        {
            throw new SweepInputException($"{where}: the row has {cells.Length} values but the header names {header.Length} columns; give every row one value per column.");
        }
        var settings = new Dictionary<string, object>(StringComparer.Ordinal);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++)
        {
            string column = header[c], raw = cells[c];
            if (Metrics.Contains(column))
            {
                if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                {
                    throw new SweepInputException($"{where}: {column} '{raw}' is not a number; write it as 0.9677.");
                }
                if (Metric.Named(column).IsFraction && value is < 0 or > 1)
                {
                    throw new SweepInputException($"{where}: {column} {raw} is outside 0 to 1; write a fraction (0.9677, not 96.77).");
                }
                metrics[column] = value;
                continue;
            }
            SettingSpec spec = SettingCatalog.ByName[column];
            object? typed = SettingValueReader.Parse(spec.Kind, raw);
            string? problem = typed is null ? $"'{raw}' is not {spec.Allowed}" : spec.Check(typed);
            if (problem != null)
            {
                throw new SweepInputException($"{where}: {column}: {problem}; allowed: {spec.Allowed}.");
            }
            settings[column] = typed!;
        }
        return new ReferenceRow(line, settings, metrics);
    }

    /// <summary>
    /// Comma-separated cells, trimmed. Settings and numbers hold no commas, so a cell is never split
    /// by quoting; a cell wrapped in double quotes, as spreadsheets write when told to quote every
    /// cell, is unwrapped.
    /// </summary>
    private static string[] Cells(string line) => line.Split(',').Select(c => Unquoted(c.Trim())).ToArray();

    private static string Unquoted(string cell) =>
        cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"' ? cell[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal).Trim() : cell;
}
