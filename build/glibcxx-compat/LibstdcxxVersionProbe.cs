#nullable enable
// MSBuild inline task (RoslynCodeTaskFactory). Tells whether the system's libstdc++ already
// provides a symbol version, so the compatibility fix is skipped where it is not needed.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class ProbeLibstdcxxVersion : Task
{
    [Required] public string VersionName { get; set; } = "";
    [Output] public bool HasVersion { get; set; }
    [Output] public string LibraryPath { get; set; } = "";

    public override bool Execute()
    {
        string? library = FindLibstdcxx();
        if (library == null)
        {
            // No libstdc++ at all: TorchSharp cannot load either way; applying the fix is harmless.
            Log.LogWarning("Could not find libstdc++.so.6; applying the GLIBCXX compatibility fix anyway.");
            HasVersion = false;
            return true;
        }
        LibraryPath = library;
        byte[] needle = Encoding.ASCII.GetBytes(VersionName + "\0");
        byte[] data = File.ReadAllBytes(library);
        HasVersion = IndexOf(data, needle) >= 0;
        return true;
    }

    private static string? FindLibstdcxx()
    {
        try
        {
            var start = new ProcessStartInfo("ldconfig", "-p") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string candidate in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig" })
            {
                start.FileName = candidate;
                if (candidate.StartsWith("/") && !File.Exists(candidate)) continue;
                using var process = Process.Start(start)!;
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                string? line = output.Split('\n').FirstOrDefault(l => l.Contains("libstdc++.so.6 ") && l.Contains("x86-64"))
                               ?? output.Split('\n').FirstOrDefault(l => l.Contains("libstdc++.so.6 "));
                if (line != null)
                {
                    string path = line.Substring(line.IndexOf("=>", StringComparison.Ordinal) + 2).Trim();
                    if (File.Exists(path)) return path;
                }
                break;
            }
        }
        catch (Exception)
        {
            // Fall back to well-known locations below.
        }
        return new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
    }

    private static int IndexOf(byte[] data, byte[] needle)
    {
        for (int i = 0; i <= data.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && data[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
