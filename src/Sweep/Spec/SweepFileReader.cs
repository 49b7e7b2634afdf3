using Sweep.Kernel;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sweep.Spec;

/// <summary>What a top-level entry of a sweep file is.</summary>
internal enum EntryKind
{
    Meta,     // name, repeats, parallel, fuse, fuse_max, reference, halving, target
    Setting,  // a setting shared by every run
    Axis,     // one grid axis
    Zip,      // a zip block (several settings advancing together)
}

/// <summary>One entry of a sweep file, remembering which file it came from for error messages.</summary>
internal sealed record SweepEntry(EntryKind Kind, string Key, YamlNode KeyNode, YamlNode Value, string File)
{
    /// <summary>The settings this entry gives a value to.</summary>
    public IEnumerable<string> Settings => Kind switch
    {
        EntryKind.Setting or EntryKind.Axis => [Key],
        EntryKind.Zip when Value is YamlMappingNode zip => zip.Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? ""),
        _ => [],
    };
}

/// <summary>
/// Reads a sweep file and the files it extends into one list of entries. A file's own entries
/// win over its parent's: a setting it names, at the top level, in 'grid' or in 'zip', replaces
/// every mention of that setting in the parent; its 'zip' replaces the parent's.
/// </summary>
internal static class SweepFileReader
{
    public const string Extends = "extends";

    public static (IReadOnlyList<SweepEntry> Entries, IReadOnlyList<string> Files) Read(string text, string path) =>
        Read(text, path, [], []);

    private static (IReadOnlyList<SweepEntry>, IReadOnlyList<string>) Read(string text, string path, List<string> chain, List<string> files)
    {
        chain.Add(Path.GetFullPath(path));
        files.Add(path);
        YamlMappingNode root = ReadRoot(text, path);
        var own = new List<SweepEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        List<SweepEntry> inherited = [];
        foreach (var (keyNode, value) in root.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!seen.Add(key))
            {
                throw SweepErrors.At(path, keyNode, $"'{key}' is set twice; keep one");
            }
            switch (key)
            {
                case Extends:
                    inherited = [.. ReadParent(path, value, chain, files)];
                    break;
                case "grid":
                    if (value is not YamlMappingNode grid || grid.Children.Count == 0)
                    {
                        throw SweepErrors.At(path, value, "'grid' must map at least one setting to a list of values, for example 'lr: [0.01, 0.001]'");
                    }
                    own.AddRange(grid.Children.Select(axis =>
                        new SweepEntry(EntryKind.Axis, (axis.Key as YamlScalarNode)?.Value ?? "", axis.Key, axis.Value, path)));
                    break;
                case "zip":
                    own.Add(new SweepEntry(EntryKind.Zip, key, keyNode, value, path));
                    break;
                case "name" or "repeats" or "parallel" or "fuse" or "fuse_max" or "reference" or "halving" or "target":
                    own.Add(new SweepEntry(EntryKind.Meta, key, keyNode, value, path));
                    break;
                default:
                    own.Add(new SweepEntry(EntryKind.Setting, key, keyNode, value, path));
                    break;
            }
        }
        chain.RemoveAt(chain.Count - 1);

        var overridden = own.SelectMany(e => e.Settings).ToHashSet(StringComparer.Ordinal);
        var ownMeta = own.Where(e => e.Kind == EntryKind.Meta).Select(e => e.Key).ToHashSet();
        bool ownZip = own.Any(e => e.Kind == EntryKind.Zip);
        var kept = inherited.Where(e =>
            !(e.Kind == EntryKind.Meta && ownMeta.Contains(e.Key)) &&
            !(e.Kind == EntryKind.Zip && ownZip) &&
            !e.Settings.Any(overridden.Contains));
        return ([.. kept, .. own], files);
    }

    private static IReadOnlyList<SweepEntry> ReadParent(string path, YamlNode value, List<string> chain, List<string> files)
    {
        string parentName = (value as YamlScalarNode)?.Value ?? "";
        if (string.IsNullOrWhiteSpace(parentName))
        {
            throw SweepErrors.At(path, value, "'extends' must name one sweep file, for example 'extends: base.yaml'");
        }
        string parent = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, parentName));
        if (chain.Contains(parent))
        {
            throw SweepErrors.At(path, value, $"'extends: {parentName}' makes a cycle ({string.Join(" → ", chain.Select(Path.GetFileName))} → {Path.GetFileName(parent)}); remove one of the extends");
        }
        if (InputFile.Problem(parent, $"'extends: {parentName}'", SweepFileParser.MaxFileBytes,
                $"'extends: {parentName}' names a file that does not exist ({parent}); the path is relative to this file") is { } problem)
        {
            throw SweepErrors.At(path, value, problem.TrimEnd('.'));
        }
        return Read(File.ReadAllText(parent), parent, chain, files).Item1;
    }

    private static YamlMappingNode ReadRoot(string text, string path)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new SweepInputException($"{path}: the file is empty; it needs at least a 'grid', see sweeps.yaml for an example.");
        }
        YamlShapeCheck.Check(text, path);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw SweepErrors.InvalidYaml(path, text, ex);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new SweepInputException($"{path}: the file must be a mapping of settings (key: value lines), see sweeps.yaml for an example.");
        }
        RefuseTags(root, path);
        return root;
    }

    /// <summary>
    /// The file is only ever read as plain nodes, so a tag could not instantiate anything; it is
    /// still refused, because a sweep file has no use for one and it may be an attempt to.
    /// </summary>
    private static readonly HashSet<string> PlainTags =
        new[] { "str", "int", "float", "bool", "null", "seq", "map" }.Select(t => "tag:yaml.org,2002:" + t).ToHashSet(StringComparer.Ordinal);

    private static void RefuseTags(YamlNode root, string path)
    {
        foreach (YamlNode node in root.AllNodes)
        {
            if (!node.Tag.IsEmpty && !PlainTags.Contains(node.Tag.Value))
            {
                throw SweepErrors.At(path, node, $"the YAML tag '{node.Tag.Value}' is not allowed; sweep files hold plain values only");
            }
        }
    }
}

/// <summary>Errors that point into a sweep file: "file:line:column: what; allowed".</summary>
internal static class SweepErrors
{
    public static SweepInputException At(string file, YamlNode node, string message) =>
        new($"{file}:{node.Start.Line}:{node.Start.Column}: {message}{(message.EndsWith('?') ? "" : ".")}");

    /// <summary>YamlDotNet's own message carries no position and the parser's wording; say it in YAML's terms.</summary>
    public static SweepInputException InvalidYaml(string file, string text, YamlException ex) =>
        new(YamlSyntaxMessage.For(file, text, ex.Start.Line, ex.Start.Column, ex.InnerException?.Message ?? ex.Message));
}
