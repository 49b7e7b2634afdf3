using System.Diagnostics;

namespace Sweep.Kernel;

/// <summary>Processes on this machine, as far as a worker's claim or a writer's temporary file needs to know them.</summary>
internal static class LocalProcess
{
    /// <summary>Whether a process with this id is running here (a zombie that has exited counts as gone).</summary>
    public static bool Exists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
