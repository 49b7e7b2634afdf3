using YamlDotNet.RepresentationModel;

namespace Sweep.Configuration;

/// <summary>
/// Turns a sweep file (and the files it extends) into a frozen <see cref="SweepPlan"/>: every
/// value typed and checked, axes expanded, repeats applied, each run given its id. Any mistake
/// is a <see cref="SweepInputException"/> that names the file, line and column.
/// </summary>
internal static class SweepFileParser
{
    public const int MaxRepeats = 1000;
    public const int MaxParallel = 64;

    public static SweepPlan Load(string path, string? dataDir = null)
    {
        if (!File.Exists(path))
        {
            throw new SweepInputException($"Sweep file '{path}' does not exist; pass the path of a YAML file such as sweeps.yaml.");
        }
        return Parse(File.ReadAllText(path), path, dataDir);
    }

    /// <param name="dataDirOverride">--data-dir from the command line: wins over the file, relative to the current folder.</param>
    public static SweepPlan Parse(string text, string path, string? dataDirOverride = null)
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

        var runs = GridExpander.Expand(baseValues, axes)
            .SelectMany(values => WithRepeats(values, repeats))
            .Select(values => RunConfig.FromValues(values))
            .Select(config => new PlannedRun(RunIdentity.Of(config), config))
            .ToList();
        CheckRuns(runs, path);
        if (repeats > 1 && !axes.Any(a => a.Settings.Contains("seed")))
        {
            axes.Add(new GridAxis("seed", runs.Select(r => (object)r.Config.Seed).Distinct().ToList()));
        }
        string source = files.Count == 1 ? text : text + string.Concat(files.Skip(1).Select(f => $"\n# --- extends {f}\n{File.ReadAllText(f)}"));
        return new SweepPlan(name, Path.GetFullPath(path), source, axes, runs, parallel, fuse, fuseMax);
    }

    /// <summary>Repeats run every configuration with seeds seed, seed+1, … seed+N-1.</summary>
    private static IEnumerable<IReadOnlyDictionary<string, object?>> WithRepeats(IReadOnlyDictionary<string, object?> values, int repeats)
    {
        long seed = (long)values["seed"]!;
        return Enumerable.Range(0, repeats).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(values) { ["seed"] = seed + i });
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

    private static void CheckRuns(IReadOnlyList<PlannedRun> runs, string path)
    {
        var duplicate = runs.GroupBy(r => r.RunId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
        {
            throw new SweepInputException($"{path}: the plan holds the same run twice (id {duplicate.Key}, seed {duplicate.First().Config.Seed}); with 'repeats' the seeds are seed, seed+1, …, so do not also list those seeds in 'grid'.");
        }
        foreach (RunConfig config in runs.Select(r => r.Config))
        {
            if (config.Nesterov && (config.Optimizer != "sgd" || config.Momentum == 0))
            {
                throw new SweepInputException($"{path}: nesterov: true needs optimizer: sgd with a momentum above 0 (got optimizer {config.Optimizer}, momentum {config.Momentum}); set both or drop nesterov.");
            }
            var info = Data.DatasetCatalog.Describe(config.Dataset);
            int trainSize = Math.Min(config.TrainSize ?? info.TrainCount, info.TrainCount);
            if (config.BatchSize > trainSize)
            {
                throw new SweepInputException(
                    $"{path}: batch_size {config.BatchSize} is larger than the training set ({trainSize} images of {config.Dataset}); use a batch size of at most {trainSize} or a larger train_size.");
            }
        }
    }
}
