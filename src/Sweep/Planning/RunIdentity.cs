using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sweep.Spec;

namespace Sweep.Planning;

/// <summary>
/// A run's id: a short, stable hash of every setting that changes what is trained. The same
/// configuration gets the same id in any file, on any machine, so finished runs are never
/// trained twice. Cosmetic settings (name) and speed-only settings (device, threads) are left out.
/// </summary>
internal static class RunIdentity
{
    public const int Length = 12;

    public static string Of(RunConfig config) => Hash(CanonicalText(config));

    /// <summary>
    /// The configuration a run belongs to: the same hash without the seed, so the seeds of one
    /// configuration share it and configurations that differ in any training setting do not.
    /// </summary>
    public static string ConfigurationKey(RunConfig config) =>
        Hash(string.Concat(CanonicalText(config).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith("seed=", StringComparison.Ordinal)).Select(line => line + "\n")));

    /// <summary>"key=value" lines in catalog order; doubles in round-trip form.</summary>
    public static string CanonicalText(RunConfig config)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in config.ToValues())
        {
            SettingSpec spec = SettingCatalog.ByName[name];
            if (!spec.ChangesTraining || (spec.AddedLater && Equals(value, spec.Default)))
            {
                continue;
            }
            text.Append(name).Append('=').Append(Format(value)).Append('\n');
        }
        if (config.ModelSha256.Length > 0)
        {
            // A TorchScript model is the file's contents, wherever it lies: a changed file gives new runs.
            text.Append(RunConfig.ModelHashKey).Append('=').Append(config.ModelSha256).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The same short hash of any text (used to name packs of runs).</summary>
    public static string OfText(string text) => Hash(text);

    private static string Hash(string text)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(digest)[..Length];
    }

    /// <summary>A setting value as canonical text: doubles in round-trip form, flags as true/false, null as "~".</summary>
    public static string Format(object? value) => value switch
    {
        null => "~",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
