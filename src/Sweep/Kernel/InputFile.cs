using System.Runtime.InteropServices;

namespace Sweep.Kernel;

/// <summary>
/// Checks a file the user names before anything reads it: it must exist, resolve (no symbolic-link
/// loop), be a regular file (a FIFO blocks forever, /dev/zero never ends) and be no larger than
/// what such a file needs. Each failure is one input error naming the file and the fix.
/// </summary>
internal static class InputFile
{
    public enum Kind { Missing, Folder, Regular, Special, LinkLoop }

    /// <summary>Throws unless <paramref name="path"/> is a regular file of at most <paramref name="maxBytes"/>.</summary>
    /// <param name="what">How the message names the file, e.g. "model_file 'net.pt'" or "the sweep file 'x.yaml'".</param>
    /// <param name="missing">The whole sentence for a file that does not exist (each caller says where paths are relative to).</param>
    /// <param name="tooLarge">The sentence for a file over the limit, given its size (default: a generic one).</param>
    public static void Require(string path, string what, long maxBytes, string missing, Func<long, string>? tooLarge = null)
    {
        if (Problem(path, what, maxBytes, missing, tooLarge) is { } problem)
        {
            throw new SweepInputException(problem);
        }
    }

    /// <summary>What is wrong with <paramref name="path"/> as an input file (see <see cref="Require"/>), or null.</summary>
    public static string? Problem(string path, string what, long maxBytes, string missing, Func<long, string>? tooLarge = null)
    {
        var (kind, size) = Inspect(path);
        return kind switch
        {
            Kind.Missing => missing,
            Kind.LinkLoop => $"{what} is a symbolic link that leads back to itself ({path}); point it at the file itself.",
            Kind.Folder => $"{what} is a folder ({path}), not a file; name the file inside it.",
            Kind.Special => $"{what} is not a regular file ({path}: a pipe, device or socket, which could block or never end); copy the data into a file and name that.",
            _ when size > maxBytes => tooLarge?.Invoke(size) ?? $"{what} is {size:N0} bytes, more than the {maxBytes:N0} such a file may have ({path}); check the path.",
            _ => null,
        };
    }

    /// <summary>What is at <paramref name="path"/>, following symbolic links, and its size when it is a regular file.</summary>
    public static (Kind Kind, long Size) Inspect(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            var info = new FileInfo(path);
            return Directory.Exists(path) ? (Kind.Folder, 0) : info.Exists ? (Kind.Regular, info.Length) : (Kind.Missing, 0);
        }
        var buffer = new byte[256]; // struct statx
        if (statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return (errno == ELoop ? Kind.LinkLoop : Kind.Missing, 0);
        }
        int mode = BitConverter.ToUInt16(buffer, 0x1C) & 0xF000;
        long size = BitConverter.ToInt64(buffer, 0x28);
        return mode switch
        {
            0x8000 => (Kind.Regular, size),
            0x4000 => (Kind.Folder, 0),
            _ => (Kind.Special, 0),
        };
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxSize = 0x200;
    private const int ELoop = 40;

    [DllImport("libc.so.6", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int statx(int dirfd, string pathname, int flags, uint mask, byte[] statxbuf);
}
