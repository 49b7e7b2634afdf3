using Sweep.Spec;

namespace Sweep.Running;

/// <summary>Turns an exception from one run into the one-line error recorded with it.</summary>
internal static class FailureMessage
{
    public static string For(Exception ex, RunConfig config, int parallel)
    {
        string first = (ex.Message.Split('\n').FirstOrDefault(l => l.Trim().Length > 0) ?? ex.GetType().Name).Trim();
        if (IsOutOfMemory(ex))
        {
            string hint = parallel > 1 ? "a smaller batch_size, a smaller model or a lower --parallel" : "a smaller batch_size or a smaller model";
            return $"out of memory on {config.Device} at batch_size {config.BatchSize} with {config.Model} ({first}); try {hint}";
        }
        return first;
    }

    public static bool IsOutOfMemory(Exception ex) =>
        ex is OutOfMemoryException ||
        ex.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) ||
        ex.Message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase) ||
        ex.Message.Contains("DefaultCPUAllocator", StringComparison.Ordinal);
}
