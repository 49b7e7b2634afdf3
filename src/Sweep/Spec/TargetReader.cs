using YamlDotNet.RepresentationModel;

namespace Sweep.Spec;

/// <summary>
/// Reads the sweep-level <c>target:</c> block — <c>{metric: val_loss, value: 0.35, every: 6000}</c> —
/// into the settings it stands for (target_metric, target_value, target_every); every bad value is
/// one error at its line.
/// </summary>
internal static class TargetReader
{
    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["metric"] = "target_metric",
        ["value"] = "target_value",
        ["every"] = "target_every",
    };

    public static IReadOnlyList<(string Setting, object? Value)> Read(YamlNode node, string file)
    {
        if (node is not YamlMappingNode block)
        {
            throw SweepErrors.At(file, node, "'target' must be a mapping, for example 'target: {metric: val_loss, value: 0.35, every: 6000}'");
        }
        var values = new List<(string, object?)>();
        foreach (var (keyNode, value) in block.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!Keys.TryGetValue(key, out string? setting))
            {
                string? near = NameSuggester.Closest(key, Keys.Keys);
                throw SweepErrors.At(file, keyNode, $"unknown key '{key}' in 'target'{(near != null ? $"; did you mean '{near}'?" : "")}; allowed: {string.Join(", ", Keys.Keys)}");
            }
            values.Add((setting, SettingValueReader.Read(SettingCatalog.ByName[setting], SettingValueReader.Scalar(value, file, key), file)));
        }
        if (!values.Any(v => v.Item1 == "target_metric") || !values.Any(v => v.Item1 == "target_value"))
        {
            throw SweepErrors.At(file, node, "'target' needs both 'metric' and 'value', for example 'target: {metric: val_loss, value: 0.35}'");
        }
        return values;
    }
}
