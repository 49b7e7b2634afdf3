namespace Sweep.Kernel;

/// <summary>
/// What <c>--db</c> names: a SQLite file (a path) or a database server (a URL such as
/// postgresql://user@host:5432/sweeps). Anything with "://" is a URL, so a mistyped scheme is an
/// error and never a file named after it.
/// </summary>
internal static class DatabaseAddress
{
    public static bool IsServer(string database) => database.Contains("://", StringComparison.Ordinal);
}
