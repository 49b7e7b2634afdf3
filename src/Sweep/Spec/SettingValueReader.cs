using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sweep.Spec;

/// <summary>Reads YAML scalars into typed setting values, checking type and range.</summary>
internal static class SettingValueReader
{
    public static YamlScalarNode Scalar(YamlNode node, string file, string key) =>
        node as YamlScalarNode ?? throw SweepErrors.At(file, node, $"'{key}' must be a single value, not a list or mapping" +
            (SettingCatalog.ByName.ContainsKey(key) ? "; to try several values put it under 'grid'" : ""));

    /// <summary>The value, or null for an explicit empty value of a setting whose default is "not set".</summary>
    public static object? Read(SettingSpec spec, YamlScalarNode node, string file)
    {
        string raw = node.Value ?? "";
        bool plain = node.Style is ScalarStyle.Plain or ScalarStyle.Any;
        if (plain && raw is "" or "~" or "null")
        {
            if (spec.Default is null)
            {
                return null;
            }
            throw SweepErrors.At(file, node, $"'{spec.Name}' has no value; allowed: {spec.Allowed}");
        }
        object value = Parse(spec.Kind, raw, plain) ?? throw SweepErrors.At(file, node,
            $"'{spec.Name}' must be {KindName(spec.Kind)}, got {(plain ? $"'{raw}'" : $"the quoted text \"{raw}\"")}; allowed: {spec.Allowed}");
        return Check(spec, value, file, node);
    }

    public static object Check(SettingSpec spec, object value, string file, YamlNode node) =>
        spec.Check(value) is { } problem ? throw SweepErrors.At(file, node, $"'{spec.Name}': {problem}; allowed: {spec.Allowed}") : value;

    public static string Describe(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Parses unquoted text as a value of the given kind; null when it is not one.</summary>
    public static object? Parse(SettingKind kind, string raw) => Parse(kind, raw, plain: true);

    private static object? Parse(SettingKind kind, string raw, bool plain)
    {
        if (!plain)
        {
            return kind == SettingKind.Text ? raw : null;
        }
        return kind switch
        {
            SettingKind.Real when double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
            SettingKind.Real when raw is ".nan" or ".NaN" or ".NAN" => double.NaN,
            SettingKind.Real when raw is ".inf" or ".Inf" or "+.inf" or "-.inf" => raw.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity,
            SettingKind.Integer when long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) => l,
            SettingKind.Flag when raw is "true" or "True" or "TRUE" => true,
            SettingKind.Flag when raw is "false" or "False" or "FALSE" => false,
            SettingKind.Text => raw,
            _ => null,
        };
    }

    private static string KindName(SettingKind kind) => kind switch
    {
        SettingKind.Integer => "a whole number",
        SettingKind.Real => "a number",
        SettingKind.Flag => "true or false",
        _ => "text",
    };
}
