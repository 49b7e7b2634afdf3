namespace Sweep.Tests.Support;

/// <summary>Paths inside the repository and its build output.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built CLI (same configuration as the tests), run with 'dotnet sweep.dll'.</summary>
    public static string SweepDll
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            string path = Path.Combine(Root, "src", "Sweep", "bin", configuration, "net10.0", "sweep.dll");
            if (!File.Exists(path))
            {
                Assert.Fail($"The CLI is not built at {path}; run 'dotnet build' first.");
            }
            return path;
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Sweep.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Sweep.sln not found above " + AppContext.BaseDirectory);
    }
}
