using System.Globalization;
using Sweep.Spec;

namespace Sweep.Reporting;

/// <summary>
/// One combination of the settings that vary in a sweep besides learning rate, batch size and
/// seed (for example optimizer=sgd, weight_decay=0.01). A report judges each combination on its
/// own: runs of different facets are never averaged as if they were seeds.
/// </summary>
internal sealed record Facet(IReadOnlyList<KeyValuePair<string, string>> Values)
{
    public static Facet None { get; } = new([]);

    public bool IsNone => Values.Count == 0;

    /// <summary>"optimizer=sgd, weight_decay=0.01".</summary>
    public string Label => string.Join(", ", Values.Select(v => $"{v.Key}={v.Value}"));

    /// <summary>Longest slug kept whole; a file name has at most 255 bytes, and figures add a prefix and a temporary suffix.</summary>
    public const int MaxSlugLength = 120;

    /// <summary>For file names: "optimizer-sgd_weight_decay-0.01"; a longer one is cut and ends in a hash of the whole, so names stay distinct.</summary>
    public string Slug
    {
        get
        {
            string whole = new(string.Join("_", Values.Select(v => $"{v.Key}-{v.Value}"))
                .Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
            if (whole.Length <= MaxSlugLength)
            {
                return whole;
            }
            string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(whole)))[..12];
            return $"{whole[..(MaxSlugLength - 13)]}-{hash}";
        }
    }

    public bool Equals(Facet? other) => other is not null && Label == other.Label;

    public override int GetHashCode() => Label.GetHashCode(StringComparison.Ordinal);

    /// <summary>A setting's value as people write it (lr as 1e-3).</summary>
    public static string Format(string setting, object? value) => value switch
    {
        null => "all",
        double d when setting == "lr" => RunConfig.FormatLr(d),
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
