using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Sweep.Spec;

/// <summary>
/// Reads the values of one axis: a list, or a generator — <c>{logspace: [a, b, n]}</c>,
/// <c>{linspace: [a, b, n]}</c>, <c>{pow2: [lo, hi]}</c> — with both ends included.
/// </summary>
internal static class AxisValueReader
{
    private const string Shapes = "a list such as [a, b, c] or a generator such as {logspace: [1e-5, 1e-1, 9]}, {linspace: [0, 0.9, 4]} or {pow2: [16, 256]}";

    public static IReadOnlyList<object> Read(SettingSpec spec, YamlNode node, string file)
    {
        var values = node switch
        {
            YamlSequenceNode list => ReadList(spec, list, file),
            YamlMappingNode { Children.Count: 1 } generator => Generate(spec, generator, file),
            _ => throw SweepErrors.At(file, node, $"axis '{spec.Name}' must be {Shapes}"),
        };
        for (int i = 0; i < values.Count; i++)
        {
            if (values.IndexOf(values[i]) != i)
            {
                throw SweepErrors.At(file, node, $"axis '{spec.Name}' lists {SettingValueReader.Describe(values[i])} twice; each value may appear once");
            }
        }
        return values;
    }

    private static List<object> ReadList(SettingSpec spec, YamlSequenceNode list, string file)
    {
        if (list.Children.Count == 0)
        {
            throw SweepErrors.At(file, list, $"axis '{spec.Name}' is empty; give it at least one value");
        }
        return list.Children.Select(item =>
            SettingValueReader.Read(spec, SettingValueReader.Scalar(item, file, spec.Name), file)
            ?? throw SweepErrors.At(file, item, $"axis '{spec.Name}' has an empty value; allowed: {spec.Allowed}")).ToList();
    }

    private static List<object> Generate(SettingSpec spec, YamlMappingNode generator, string file)
    {
        var (keyNode, argsNode) = generator.Children.Single();
        string kind = (keyNode as YamlScalarNode)?.Value ?? "";
        double[] args = Numbers(argsNode, file, kind);
        List<double> points = kind switch
        {
            "logspace" => LogSpace(spec, args, argsNode, file),
            "linspace" => LinSpace(args, argsNode, file),
            "pow2" => PowersOfTwo(spec, args, argsNode, file),
            _ => throw SweepErrors.At(file, keyNode, $"unknown generator '{kind}' for axis '{spec.Name}'; use logspace, linspace or pow2"),
        };
        return points.Select(p => ToSetting(spec, p, argsNode, file, kind)).ToList();
    }

    private static List<double> LogSpace(SettingSpec spec, double[] a, YamlNode node, string file)
    {
        Expect(a, 3, node, file, "logspace takes [first, last, count], for example [1e-5, 1e-1, 9]");
        if (a[0] <= 0 || a[1] <= 0)
        {
            throw SweepErrors.At(file, node, $"logspace for '{spec.Name}' needs both ends greater than 0");
        }
        int n = Count(a[2], node, file, "logspace");
        double lo = Math.Log10(a[0]), hi = Math.Log10(a[1]);
        return Enumerable.Range(0, n).Select(i => Nice(Math.Pow(10, n == 1 ? lo : lo + i * (hi - lo) / (n - 1)))).ToList();
    }

    private static List<double> LinSpace(double[] a, YamlNode node, string file)
    {
        Expect(a, 3, node, file, "linspace takes [first, last, count], for example [0, 0.9, 4]");
        int n = Count(a[2], node, file, "linspace");
        return Enumerable.Range(0, n).Select(i => Nice(n == 1 ? a[0] : a[0] + i * (a[1] - a[0]) / (n - 1))).ToList();
    }

    private static List<double> PowersOfTwo(SettingSpec spec, double[] a, YamlNode node, string file)
    {
        Expect(a, 2, node, file, "pow2 takes [smallest, largest], for example [16, 256]");
        if (spec.Kind != SettingKind.Integer)
        {
            throw SweepErrors.At(file, node, $"pow2 makes whole numbers, but '{spec.Name}' takes {spec.Allowed}");
        }
        if (!IsPowerOfTwo(a[0]) || !IsPowerOfTwo(a[1]) || a[0] > a[1])
        {
            throw SweepErrors.At(file, node, $"pow2 needs two powers of two, smallest first, such as [16, 256]; got [{a[0]}, {a[1]}]");
        }
        var values = new List<double>();
        for (double v = a[0]; v <= a[1]; v *= 2)
        {
            values.Add(v);
        }
        return values;
    }

    private static object ToSetting(SettingSpec spec, double value, YamlNode node, string file, string kind)
    {
        object typed = spec.Kind switch
        {
            SettingKind.Real => (object)value,
            SettingKind.Integer when value == Math.Round(value) => (object)(long)value,
            SettingKind.Integer => throw SweepErrors.At(file, node, $"{kind} gives {value.ToString(CultureInfo.InvariantCulture)} for '{spec.Name}', which takes whole numbers; choose ends and a count that give whole numbers"),
            _ => throw SweepErrors.At(file, node, $"'{spec.Name}' takes {spec.Allowed}; a {kind} generator makes numbers"),
        };
        return SettingValueReader.Check(spec, typed, file, node);
    }

    private static double[] Numbers(YamlNode node, string file, string kind)
    {
        if (node is not YamlSequenceNode list)
        {
            throw SweepErrors.At(file, node, $"'{kind}' must be followed by a list of numbers, such as [1e-5, 1e-1, 9]");
        }
        return list.Children.Select(item =>
            item is YamlScalarNode { Value: { } raw } && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
                ? d
                : throw SweepErrors.At(file, item, $"'{kind}' takes numbers only")).ToArray();
    }

    private static void Expect(double[] args, int count, YamlNode node, string file, string usage)
    {
        if (args.Length != count)
        {
            throw SweepErrors.At(file, node, usage);
        }
    }

    private static int Count(double value, YamlNode node, string file, string kind) =>
        value >= 1 && value == Math.Round(value) && value <= 10_000 ? (int)value
            : throw SweepErrors.At(file, node, $"the count of a {kind} must be a whole number from 1 to 10000");

    private static bool IsPowerOfTwo(double v) => v >= 1 && v == Math.Round(v) && ((long)v & ((long)v - 1)) == 0;

    /// <summary>Rounds away floating-point dust (0.0009999999999 → 0.001) so values match what people type.</summary>
    private static double Nice(double v) => double.Parse(v.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
