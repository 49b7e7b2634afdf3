using System.Diagnostics;

namespace Sweep.Tests.Support;

/// <summary>Debian's /usr/bin/python3 with numpy, used to write genuine numpy pickles to check against.</summary>
internal static class Python
{
    public const string Path = "/usr/bin/python3";

    public static void RequireNumpy()
    {
        if (!File.Exists(Path) || Run("import numpy", Environment.CurrentDirectory).ExitCode != 0)
        {
            Assert.Ignore("Debian's python3-numpy is not installed (sudo apt-get install python3-numpy); .ci/run installs it.");
        }
    }

    public static (int ExitCode, string Output) Run(string script, string workingDirectory)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        using Process process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
