using System.Formats.Tar;
using System.IO.Compression;
using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>
/// Unpacks a .tar.gz that came from elsewhere without ever writing outside the target folder:
/// entries with absolute paths or '..', and every symbolic or hard link, are refused before
/// anything is written. The official data archives hold no links, and a chain of links (one to
/// '.', another through it to '..') can point outside while each looks inside, so none is
/// followed or created. Only files and folders inside the target are created.
/// </summary>
internal static class SafeTarExtractor
{
    public static void Extract(string archive, string target)
    {
        string root = Path.GetFullPath(target);
        // First pass: check every entry. Second pass: write. A bad archive leaves no partial output.
        foreach (var (entry, _) in Entries(archive, root))
        {
            _ = entry;
        }
        Directory.CreateDirectory(root);
        foreach (var (entry, path) in Entries(archive, root))
        {
            switch (entry.EntryType)
            {
                case TarEntryType.GlobalExtendedAttributes:
                    break;
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    break;
                default:
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    entry.ExtractToFile(path, overwrite: true);
                    break;
            }
        }
    }

    private static IEnumerable<(TarEntry Entry, string Path)> Entries(string archive, string root)
    {
        using FileStream file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            yield return (entry, Check(entry, root, archive));
        }
    }

    private static string Check(TarEntry entry, string root, string archive)
    {
        if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
        {
            return root; // metadata only, nothing is written
        }
        string name = entry.Name.Replace('\\', '/');
        if (name.StartsWith('/') || Path.IsPathRooted(name) || name.Split('/').Contains(".."))
        {
            throw new SweepInputException($"{archive} contains the entry '{entry.Name}', which would be written outside {root}; the archive was not unpacked.");
        }
        string path = Path.GetFullPath(Path.Combine(root, name));
        if (!Inside(path, root))
        {
            throw new SweepInputException($"{archive} contains the entry '{entry.Name}', which would be written outside {root}; the archive was not unpacked.");
        }
        if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
        {
            throw new SweepInputException($"{archive} contains a {(entry.EntryType == TarEntryType.HardLink ? "hard" : "symbolic")} link '{entry.Name}' → '{entry.LinkName}'; the official data archives hold no links, so it was not unpacked.");
        }
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.Directory))
        {
            throw new SweepInputException($"{archive} contains '{entry.Name}' of type {entry.EntryType}; only files and folders are unpacked.");
        }
        return path;
    }

    private static bool Inside(string path, string root) =>
        path == root || path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
