using YamlDotNet.RepresentationModel;

namespace Sweep.Spec;

/// <summary>Reads the sweep-level <c>halving:</c> block; every bad value is one error at its line.</summary>
internal static class HalvingReader
{
    private static readonly string[] Keys = ["min_epochs", "eta", "metric", "within"];

    public static HalvingSpec Read(YamlNode node, string file)
    {
        if (node is not YamlMappingNode block)
        {
            throw SweepErrors.At(file, node, "'halving' must be a mapping, for example 'halving: {min_epochs: 1, eta: 3, metric: test_loss, within: [batch_size]}'");
        }
        int minEpochs = 1, eta = 3;
        string metric = Kernel.Metric.TestLoss.Name;
        IReadOnlyList<string> within = [];
        foreach (var (keyNode, value) in block.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            switch (key)
            {
                case "min_epochs":
                    minEpochs = Integer(key, value, file, 1, 10_000);
                    break;
                case "eta":
                    eta = Integer(key, value, file, 2, 100);
                    break;
                case "metric":
                    var spec = new SettingSpec("metric", SettingKind.Text, Kernel.Metric.TestLoss.Name, false,
                        v => HalvingSpec.Metrics.Contains((string)v) ? null : $"'{v}' is not a metric halving can rank by", "one of " + string.Join(", ", HalvingSpec.Metrics));
                    metric = (string)SettingValueReader.Read(spec, SettingValueReader.Scalar(value, file, "metric"), file)!;
                    break;
                case "within":
                    within = Within(value, file);
                    break;
                default:
                    string? near = NameSuggester.Closest(key, Keys);
                    throw SweepErrors.At(file, keyNode, $"unknown key '{key}' in 'halving'{(near != null ? $"; did you mean '{near}'?" : "")}; allowed: {string.Join(", ", Keys)}");
            }
        }
        return new HalvingSpec(minEpochs, eta, metric, within, MetricGiven: block.Children.Any(c => (c.Key as YamlScalarNode)?.Value == "metric"));
    }

    private static int Integer(string key, YamlNode value, string file, int min, int max)
    {
        var spec = new SettingSpec(key, SettingKind.Integer, (long)min, false,
            v => (long)v >= min && (long)v <= max ? null : $"{v} is outside {min} to {max}", $"a whole number from {min} to {max}");
        return (int)(long)SettingValueReader.Read(spec, SettingValueReader.Scalar(value, file, key), file)!;
    }

    /// <summary>One setting name or a list of them; ranking happens separately for each combination of their values.</summary>
    private static IReadOnlyList<string> Within(YamlNode value, string file)
    {
        var nodes = value switch
        {
            YamlScalarNode one => [one],
            YamlSequenceNode many when many.Children.All(c => c is YamlScalarNode) => many.Children.Cast<YamlScalarNode>().ToList(),
            _ => throw SweepErrors.At(file, value, "'within' must be a setting name or a list of them, for example 'within: [batch_size]'"),
        };
        var names = new List<string>();
        foreach (YamlScalarNode node in nodes)
        {
            string name = node.Value ?? "";
            if (name == "seed")
            {
                throw SweepErrors.At(file, node, "'within: seed' would rank each seed apart, so the seeds of one configuration could meet different fates; group by other settings, such as batch_size");
            }
            if (!SettingCatalog.ByName.ContainsKey(name))
            {
                string? near = NameSuggester.Closest(name, SettingCatalog.All.Select(s => s.Name));
                throw SweepErrors.At(file, node, $"'within' names '{name}', which is not a setting{(near != null ? $"; did you mean '{near}'?" : "")}");
            }
            names.Add(name);
        }
        return names.Distinct().ToList();
    }
}
