using Sweep.Kernel;
using YamlDotNet.RepresentationModel;

namespace Sweep.Spec;

/// <summary>
/// Turns a sweep file (and the files it extends) into a frozen <see cref="SweepSpec"/>: every
/// value typed and checked, the axes read but not yet expanded (that is the planning stage's
/// job). Any mistake is a <see cref="SweepInputException"/> that names the file, line and column.
/// </summary>
internal static class SweepFileParser
{
    public const int MaxRepeats = 1000;
    public const int MaxParallel = 64;

    /// <summary>A sweep file is a page of YAML; anything larger is refused before it is read.</summary>
    public const long MaxFileBytes = 1 << 20;

    public static SweepSpec Load(string path, string? dataDir = null)
    {
        InputFile.Require(path, $"the sweep file '{path}'", MaxFileBytes,
            $"Sweep file '{path}' does not exist; pass the path of a YAML file such as sweeps.yaml.");
        return Parse(File.ReadAllText(path), path, dataDir);
    }

    /// <param name="dataDirOverride">--data-dir from the command line: wins over the file, relative to the current folder.</param>
    public static SweepSpec Parse(string text, string path, string? dataDirOverride = null)
    {
        var (entries, files) = SweepFileReader.Read(text, path);
        var baseValues = SettingCatalog.All.ToDictionary(s => s.Name, s => s.Default);
        var axes = new List<GridAxis>();
        GridAxis? zipAxis = null;
        var placed = new Dictionary<string, string>(StringComparer.Ordinal);
        string name = Path.GetFileNameWithoutExtension(path);
        int repeats = 1;
        int parallel = 1;
        bool fuse = false;
        int fuseMax = 0;
        ReferenceTable? reference = null;
        HalvingSpec? halving = null;

        foreach (SweepEntry entry in entries)
        {
            switch (entry.Kind)
            {
                case EntryKind.Meta when entry.Key == "name":
                    name = SettingValueReader.Scalar(entry.Value, entry.File, "name").Value ?? "";
                    if (string.IsNullOrWhiteSpace(name))
                    {
                        throw SweepErrors.At(entry.File, entry.Value, "'name' is empty; give the sweep a short name such as lr-batch");
                    }
                    break;
                case EntryKind.Meta when entry.Key == "fuse":
                    fuse = (bool)SettingValueReader.Read(new SettingSpec("fuse", SettingKind.Flag, false, false, _ => null, "true or false"),
                        SettingValueReader.Scalar(entry.Value, entry.File, "fuse"), entry.File)!;
                    break;
                case EntryKind.Meta when entry.Key == "reference":
                    reference = ReadReference(entry);
                    break;
                case EntryKind.Meta when entry.Key == "halving":
                    halving = HalvingReader.Read(entry.Value, entry.File);
                    break;
                case EntryKind.Meta when entry.Key == "target":
                    foreach (var (setting, value) in TargetReader.Read(entry.Value, entry.File))
                    {
                        Place(placed, entry, setting, "in 'target'");
                        baseValues[setting] = value;
                    }
                    break;
                case EntryKind.Meta when entry.Key == "fuse_max":
                    fuseMax = ReadCount(entry, 256);
                    break;
                case EntryKind.Meta when entry.Key == "parallel":
                    parallel = ReadCount(entry, MaxParallel);
                    break;
                case EntryKind.Meta:
                    repeats = ReadCount(entry, MaxRepeats);
                    break;
                case EntryKind.Setting:
                    Place(placed, entry, entry.Key, "at the top level");
                    baseValues[entry.Key] = SettingValueReader.Read(Lookup(entry), SettingValueReader.Scalar(entry.Value, entry.File, entry.Key), entry.File);
                    break;
                case EntryKind.Axis:
                    Place(placed, entry, entry.Key, "in 'grid'");
                    axes.Add(new GridAxis(entry.Key, AxisValueReader.Read(Lookup(entry), entry.Value, entry.File)));
                    break;
                case EntryKind.Zip:
                    zipAxis = ReadZip(entry, placed);
                    break;
            }
        }
        if (zipAxis != null)
        {
            axes.Add(zipAxis); // the plan is grid × zip, whatever the order in the file
        }
        if (axes.Count == 0 && repeats == 1)
        {
            throw new SweepInputException($"{path}: there is no 'grid' (or 'zip' or 'repeats'), so there is nothing to compare; add for example 'grid: {{lr: [0.01, 0.001]}}'.");
        }

        string sweepDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!string.IsNullOrEmpty(dataDirOverride))
        {
            baseValues["data_dir"] = Path.GetFullPath(dataDirOverride);
        }
        else if (baseValues["data_dir"] is string dataDir && dataDir.Length > 0)
        {
            // Relative to the top file, wherever the command is run from.
            baseValues["data_dir"] = Path.GetFullPath(Path.Combine(sweepDir, dataDir));
        }
        else if (baseValues["download"] is true)
        {
            baseValues["data_dir"] = Path.Combine(sweepDir, "data"); // where downloads go by default
        }

        string source = files.Count == 1 ? text : text + string.Concat(files.Skip(1).Select(f => $"\n# --- extends {f}\n{File.ReadAllText(f)}"));
        return new SweepSpec(name, Path.GetFullPath(path), source, baseValues, axes, repeats, parallel, fuse, fuseMax, path, reference, halving);
    }

    /// <summary>The reference table the entry names, relative to the file that names it, read and checked now (before any training).</summary>
    private static ReferenceTable ReadReference(SweepEntry entry)
    {
        string name = SettingValueReader.Scalar(entry.Value, entry.File, "reference").Value ?? "";
        if (string.IsNullOrWhiteSpace(name))
        {
            throw SweepErrors.At(entry.File, entry.Value, "'reference' must name a CSV file of published results, for example 'reference: kandel-castelli.csv'");
        }
        string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(entry.File))!, name));
        if (!File.Exists(full))
        {
            throw SweepErrors.At(entry.File, entry.Value, $"'reference: {name}' names a file that does not exist ({full}); the path is relative to this file");
        }
        return ReferenceTable.Read(full);
    }

    private static GridAxis ReadZip(SweepEntry entry, Dictionary<string, string> placed)
    {
        if (entry.Value is not YamlMappingNode zip || zip.Children.Count == 0)
        {
            throw SweepErrors.At(entry.File, entry.Value, "'zip' must map settings to lists of the same length, for example {lr: [0.001, 0.004], batch_size: [16, 64]}");
        }
        var settings = new List<string>();
        var columns = new List<IReadOnlyList<object>>();
        foreach (var (keyNode, valueNode) in zip.Children)
        {
            var column = new SweepEntry(EntryKind.Axis, (keyNode as YamlScalarNode)?.Value ?? "", keyNode, valueNode, entry.File);
            Place(placed, column, column.Key, "in 'zip'");
            settings.Add(column.Key);
            columns.Add(AxisValueReader.Read(Lookup(column), valueNode, entry.File));
        }
        if (columns.Select(c => c.Count).Distinct().Count() > 1)
        {
            string lengths = string.Join(", ", settings.Zip(columns, (s, c) => $"{s} has {c.Count}"));
            throw SweepErrors.At(entry.File, entry.Value, $"the lists in 'zip' advance together and must have the same length, but {lengths}");
        }
        var points = Enumerable.Range(0, columns[0].Count).Select(i => columns.Select(c => c[i]).ToArray()).ToList();
        return new GridAxis(settings, points);
    }

    private static int ReadCount(SweepEntry entry, int max)
    {
        var spec = new SettingSpec(entry.Key, SettingKind.Integer, 1L, false,
            v => (long)v >= 1 && (long)v <= max ? null : $"{v} is outside 1 to {max}", $"a whole number from 1 to {max}");
        return (int)(long)SettingValueReader.Read(spec, SettingValueReader.Scalar(entry.Value, entry.File, entry.Key), entry.File)!;
    }

    private static void Place(Dictionary<string, string> placed, SweepEntry entry, string setting, string where)
    {
        if (placed.TryGetValue(setting, out string? first))
        {
            throw SweepErrors.At(entry.File, entry.KeyNode, $"'{setting}' is set both {first} and {where}; keep it in one place");
        }
        placed[setting] = where;
    }

    private static SettingSpec Lookup(SweepEntry entry)
    {
        if (SettingCatalog.ByName.TryGetValue(entry.Key, out SettingSpec? spec))
        {
            return spec;
        }
        string? suggestion = SettingCatalog.Aliases.GetValueOrDefault(entry.Key.ToLowerInvariant())
            ?? NameSuggester.Closest(entry.Key, SettingCatalog.All.Select(s => s.Name).Concat(SettingCatalog.StructuralKeys));
        string hint = suggestion != null ? $"did you mean '{suggestion}'?" :
            "known settings: " + string.Join(", ", SettingCatalog.All.Select(s => s.Name)) + "; and name, grid, zip, repeats, extends";
        throw SweepErrors.At(entry.File, entry.KeyNode, $"unknown setting '{entry.Key}'; {hint}");
    }
}
