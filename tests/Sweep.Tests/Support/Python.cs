using System.Diagnostics;

namespace Sweep.Tests.Support;

/// <summary>Debian's /usr/bin/python3 with its packages (numpy, scikit-learn, Optuna), the real readers our outputs are checked against.</summary>
internal static class Python
{
    public const string Path = "/usr/bin/python3";

    public static void RequireNumpy() => Require("numpy", "python3-numpy");

    /// <summary>
    /// Skips the test, saying why, when the module is missing; under CI (CI=true), where .ci/run
    /// installs it, a missing module fails the test instead, so a green CI never hides a skip.
    /// </summary>
    public static void Require(string module, string debianPackage)
    {
        Requirement.Installed(File.Exists(Path) && Run($"import {module}", Environment.CurrentDirectory).ExitCode == 0,
            $"Debian's {debianPackage} is not installed (apt-get install {debianPackage})");
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
