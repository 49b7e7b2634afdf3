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
    /// <summary>Far above the official archives (CIFAR-10's unpack to about 180 MB); a gzip bomb stops here.</summary>
    public const long MaxUnpackedBytes = 4L << 30;

    public static void Extract(string archive, string target)
    {
        try
        {
            ExtractChecked(archive, target);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or OverflowException)
        {
            throw new SweepInputException($"{archive} is not a valid .tar.gz archive ({ex.Message.TrimEnd('.')}); delete it and download it again.");
        }
    }

    private static void ExtractChecked(string archive, string target)
    {
        string root = Path.GetFullPath(target);
        // First pass: check every entry and the total size. Second pass: write. A bad archive leaves no partial output.
        long total = 0;
        var files = new HashSet<string>(StringComparer.Ordinal);
        var folders = new HashSet<string>(StringComparer.Ordinal) { root };
        foreach (var (entry, path) in Entries(archive, root))
        {
            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }
            bool isFolder = entry.EntryType == TarEntryType.Directory;
            for (string? parent = Path.GetDirectoryName(path); parent != null && parent.Length >= root.Length; parent = Path.GetDirectoryName(parent))
            {
                folders.Add(parent);
            }
            (isFolder ? folders : files).Add(path);
            if (files.Overlaps(folders))
            {
                throw new SweepInputException($"{archive} holds both a file and a folder at '{files.Intersect(folders).First()}' (entry '{entry.Name}'); the archive is damaged and was not unpacked.");
            }
            total += Math.Max(0, entry.Length);
            if (total > MaxUnpackedBytes)
            {
                throw new SweepInputException($"{archive} unpacks to more than {MaxUnpackedBytes >> 30} GiB, far more than any data set Sweep downloads; it was not unpacked.");
            }
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
        // Entries are used before the next is read, so their data streams straight from the archive:
        // memory stays bounded whatever sizes the headers declare.
        while (reader.GetNextEntry(copyData: false) is { } entry)
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
        if (entry.EntryType != TarEntryType.Directory && (name.EndsWith('/') || path.TrimEnd(Path.DirectorySeparatorChar) == root.TrimEnd(Path.DirectorySeparatorChar)))
        {
            throw new SweepInputException($"{archive} contains a file entry '{entry.Name}' without a file name; the archive is damaged and was not unpacked.");
        }
        return path.Length > 1 ? path.TrimEnd(Path.DirectorySeparatorChar) : path;
    }

    private static bool Inside(string path, string root) =>
        path == root || path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
