using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sweep.Configuration;

/// <summary>
/// Reads a sweep file into a <see cref="SweepPlan"/>. The YAML is read as a plain node tree (no
/// type is ever instantiated from a tag), so every error can name the line and column.
/// </summary>
internal static class SweepFileParser
{
    public static SweepPlan Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SweepInputException($"Sweep file '{path}' does not exist; pass the path of a YAML file such as sweeps.yaml.");
        }
        return Parse(File.ReadAllText(path), path);
    }

    public static SweepPlan Parse(string text, string path)
    {
        YamlMappingNode root = ReadRoot(text, path);
        var where = new Locator(path);
        var baseValues = SettingCatalog.All.ToDictionary(s => s.Name, s => s.Default);
        var axes = new List<GridAxis>();
        string name = Path.GetFileNameWithoutExtension(path);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (keyNode, valueNode) in root.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!seen.Add(key))
            {
                throw where.Error(keyNode, $"'{key}' is set twice; keep one");
            }
            switch (key)
            {
                case "name":
                    name = ReadScalar(valueNode, where, "name").Value ?? "";
                    if (string.IsNullOrWhiteSpace(name))
                    {
                        throw where.Error(valueNode, "'name' is empty; give the sweep a short name such as lr-batch");
                    }
                    break;
                case "grid":
                    axes.AddRange(ReadGrid(valueNode, where));
                    break;
                default:
                    SettingSpec spec = Lookup(key, keyNode, where);
                    baseValues[key] = ReadValue(spec, ReadScalar(valueNode, where, key), where);
                    break;
            }
        }

        foreach (GridAxis axis in axes)
        {
            if (seen.Contains(axis.Setting))
            {
                throw where.Error(root, $"'{axis.Setting}' is set both at the top level and in 'grid'; keep it in one place");
            }
        }
        if (axes.Count == 0)
        {
            throw where.Error(root, "there is no 'grid' with at least one setting; add for example 'grid: {lr: [0.01, 0.001]}'");
        }

        if (baseValues["data_dir"] is string dataDir && dataDir.Length > 0)
        {
            // Relative to the sweep file, so a file works from any current directory.
            baseValues["data_dir"] = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, dataDir));
        }
        var runs = GridExpander.Expand(baseValues, axes)
            .Select(values => RunConfig.FromValues(values))
            .Select(config => new PlannedRun(RunIdentity.Of(config), config))
            .ToList();
        foreach (PlannedRun run in runs)
        {
            CheckAgainstDataset(run.Config, path);
        }
        return new SweepPlan(name, Path.GetFullPath(path), text, axes, runs);
    }

    private static YamlMappingNode ReadRoot(string text, string path)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new SweepInputException($"{path}: the file is empty; it needs at least a 'grid', see sweeps.yaml for an example.");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            // YamlDotNet's own message carries no position; the useful text is often the inner one.
            string reason = (ex.InnerException?.Message ?? ex.Message).TrimEnd('.');
            throw new SweepInputException($"{path}:{ex.Start.Line}:{ex.Start.Column}: invalid YAML: {reason}.");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new SweepInputException($"{path}: the file must be a mapping of settings (key: value lines), see sweeps.yaml for an example.");
        }
        return root;
    }

    private static IEnumerable<GridAxis> ReadGrid(YamlNode node, Locator where)
    {
        if (node is not YamlMappingNode grid || grid.Children.Count == 0)
        {
            throw where.Error(node, "'grid' must map at least one setting to a list of values, for example 'lr: [0.01, 0.001]'");
        }
        foreach (var (keyNode, valueNode) in grid.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            SettingSpec spec = Lookup(key, keyNode, where);
            if (valueNode is not YamlSequenceNode list)
            {
                throw where.Error(valueNode, $"grid axis '{key}' must be a list such as [a, b, c]");
            }
            if (list.Children.Count == 0)
            {
                throw where.Error(valueNode, $"grid axis '{key}' is empty; give it at least one value");
            }
            var values = new List<object>();
            foreach (YamlNode item in list.Children)
            {
                object value = ReadValue(spec, ReadScalar(item, where, key), where)
                    ?? throw where.Error(item, $"grid axis '{key}' has an empty value; allowed: {spec.Allowed}");
                if (values.Contains(value))
                {
                    throw where.Error(item, $"grid axis '{key}' lists {Describe(value)} twice; each value may appear once");
                }
                values.Add(value);
            }
            yield return new GridAxis(key, values);
        }
    }

    private static SettingSpec Lookup(string key, YamlNode keyNode, Locator where)
    {
        if (SettingCatalog.ByName.TryGetValue(key, out SettingSpec? spec))
        {
            return spec;
        }
        string? suggestion = SettingCatalog.Aliases.GetValueOrDefault(key.ToLowerInvariant())
            ?? NameSuggester.Closest(key, SettingCatalog.All.Select(s => s.Name).Concat(SettingCatalog.StructuralKeys));
        string hint = suggestion != null ? $"did you mean '{suggestion}'?" :
            "known settings: " + string.Join(", ", SettingCatalog.All.Select(s => s.Name));
        throw where.Error(keyNode, $"unknown setting '{key}'; {hint}");
    }

    private static YamlScalarNode ReadScalar(YamlNode node, Locator where, string key) =>
        node as YamlScalarNode ?? throw where.Error(node, $"'{key}' must be a single value, not a list or mapping" +
            (key is "name" ? "" : $"; to try several values put it under 'grid'"));

    private static object? ReadValue(SettingSpec spec, YamlScalarNode node, Locator where)
    {
        string raw = node.Value ?? "";
        bool plain = node.Style is ScalarStyle.Plain or ScalarStyle.Any;
        if (plain && raw is "" or "~" or "null")
        {
            if (spec.Default is null)
            {
                return null;
            }
            throw where.Error(node, $"'{spec.Name}' has no value; allowed: {spec.Allowed}");
        }

        object? value = spec.Kind switch
        {
            SettingKind.Real when plain && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
            SettingKind.Real when plain && raw is ".nan" or ".NaN" => double.NaN,
            SettingKind.Real when plain && raw is ".inf" or ".Inf" or "+.inf" => double.PositiveInfinity,
            SettingKind.Integer when plain && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) => l,
            SettingKind.Flag when plain && raw is "true" or "True" => true,
            SettingKind.Flag when plain && raw is "false" or "False" => false,
            SettingKind.Text => raw,
            _ => null,
        };
        if (value is null)
        {
            string got = plain ? $"'{raw}'" : $"the quoted text \"{raw}\"";
            string kind = spec.Kind switch
            {
                SettingKind.Integer when plain && double.TryParse(raw, CultureInfo.InvariantCulture, out _) => "a whole number",
                SettingKind.Integer => "a whole number",
                SettingKind.Real => "a number",
                SettingKind.Flag => "true or false",
                _ => "text",
            };
            throw where.Error(node, $"'{spec.Name}' must be {kind}, got {got}; allowed: {spec.Allowed}");
        }
        if (spec.Check(value) is { } problem)
        {
            throw where.Error(node, $"'{spec.Name}': {problem}; allowed: {spec.Allowed}");
        }
        return value;
    }

    private static void CheckAgainstDataset(RunConfig config, string path)
    {
        var info = Data.DatasetCatalog.Describe(config.Dataset);
        int trainSize = Math.Min(config.TrainSize ?? info.TrainCount, info.TrainCount);
        if (info.TrainCount > 0 && config.BatchSize > trainSize)
        {
            throw new SweepInputException(
                $"{path}: batch_size {config.BatchSize} is larger than the training set ({trainSize} images of {config.Dataset}); use a batch size of at most {trainSize} or a larger train_size.");
        }
    }

    private static string Describe(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => $"'{s}'",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Turns a node into "file:line:column: ..." errors.</summary>
    private sealed class Locator(string path)
    {
        public SweepInputException Error(YamlNode node, string message) =>
            new($"{path}:{node.Start.Line}:{node.Start.Column}: {message}{(message.EndsWith('?') ? "" : ".")}");
    }
}
