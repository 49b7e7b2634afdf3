namespace Sweep.Kernel;

/// <summary>
/// Writes a file so that a reader (or a crash) sees either the old file or the complete new one:
/// the content goes to a temporary file beside it, is flushed to disk, then renamed over it.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        WriteVia(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
            write(stream);
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>For writers that insist on a path of their own (a PNG encoder, a download): they write the temporary path.</summary>
    public static void WriteVia(string path, Action<string> writeTemp)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = TempPathFor(full);
        try
        {
            writeTemp(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Deletes a file and any temporary file a writer left beside it (a process killed mid-write
    /// leaves its own, named after its process id).
    /// </summary>
    public static void Delete(string path)
    {
        File.Delete(path);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder != null && Directory.Exists(folder))
        {
            foreach (string temp in Directory.EnumerateFiles(folder, Path.GetFileName(path) + ".*.tmp"))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Deletes the temporary files in <paramref name="folder"/> whose writer process no longer exists
    /// (killed mid-write, for example during a live redraw); a live writer's are left alone.
    /// </summary>
    public static void DeleteOrphans(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        foreach (string temp in Directory.EnumerateFiles(folder, "*.tmp"))
        {
            string name = Path.GetFileName(temp);
            int dot = name.LastIndexOf('.', name.Length - 5);
            if (dot < 0 || !int.TryParse(name.AsSpan(dot + 1, name.Length - 4 - dot - 1), System.Globalization.NumberStyles.None, null, out int pid)
                || pid == Environment.ProcessId || LocalProcess.Exists(pid))
            {
                continue;
            }
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // Gone already, or not ours to delete: it is only litter.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The file a temporary file stands for (the path itself when it is not one of ours), for messages people act on.</summary>
    public static string TargetOf(string path)
    {
        int tmp = path.EndsWith(".tmp", StringComparison.Ordinal) ? path.LastIndexOf('.', path.Length - 5) : -1;
        return tmp > 0 && path[(tmp + 1)..^4].All(char.IsAsciiDigit) && path.Length - 4 > tmp + 1 ? path[..tmp] : path;
    }

    /// <summary>The temporary file beside <paramref name="path"/>; one per process, so two writers never share it.</summary>
    public static string TempPathFor(string path) => $"{path}.{Environment.ProcessId}.tmp";
}
