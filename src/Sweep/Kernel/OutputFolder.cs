namespace Sweep.Kernel;

/// <summary>
/// Makes the folder an output goes to before any work, turning what the file system refuses (a file
/// in the way, no permission, a read-only or virtual file system) into one input error naming the
/// option, instead of an I/O exception after the work is done.
/// </summary>
internal static class OutputFolder
{
    /// <summary>Creates <paramref name="folder"/> if needed and checks that a file can be created in it.</summary>
    /// <param name="what">The option or output, as the user knows it ("--out").</param>
    public static void Ensure(string folder, string what)
    {
        if (File.Exists(folder))
        {
            throw new SweepInputException($"{what}: '{folder}' is a file, not a folder; give a folder path.");
        }
        try
        {
            Directory.CreateDirectory(folder);
            // Deleted when closed: a folder can exist and still refuse new files (permissions, a read-only mount).
            // Named per process and check, so two threads opening one database at once do not collide.
            using var probe = new FileStream(Path.Combine(folder, $".sweep-write-check.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"),
                FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && DiskFullException.PathOf(ex, null) is null)
        {
            throw new SweepInputException($"{what}: folder '{folder}' cannot be written ({ex.Message.TrimEnd('.')}); choose a folder you can write to.");
        }
    }

    /// <summary>Makes the folder of an output file as above; a folder where the file should be is refused.</summary>
    public static void EnsureFor(string file, string what, string exampleName)
    {
        if (Directory.Exists(file))
        {
            throw new SweepInputException($"{what}: '{file}' is a folder; give a file path, such as '{Path.Combine(file, exampleName)}'.");
        }
        Ensure(Path.GetDirectoryName(Path.GetFullPath(file))!, what);
    }
}
