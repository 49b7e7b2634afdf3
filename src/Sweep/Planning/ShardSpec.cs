using System.Globalization;
using Sweep.Kernel;

namespace Sweep.Planning;

/// <summary>Shard I of N (0-based I), as given by --shard I/N or read from a Slurm array task.</summary>
internal sealed record ShardSpec(int Index, int Count)
{
    public override string ToString() => $"{Index}/{Count}";

    /// <summary>Default database of a shard: results/shards/results-I-of-N.db.</summary>
    public string DefaultDatabase => OutputLayout.ShardDatabase(Index, Count);

    /// <summary>Parses "I/N" or "auto" (inside a Slurm array task).</summary>
    public static ShardSpec Parse(string text, Func<string, string?> environment)
    {
        if (text == "auto")
        {
            return FromSlurm(environment);
        }
        string[] parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count >= 1 && index < count)
        {
            return new ShardSpec(index, count);
        }
        throw new SweepInputException($"--shard '{text}' is not valid; write I/N with 0 ≤ I < N (for example 0/4), or 'auto' inside a Slurm job array.");
    }

    private static ShardSpec FromSlurm(Func<string, string?> environment)
    {
        string? id = environment("SLURM_ARRAY_TASK_ID");
        string? min = environment("SLURM_ARRAY_TASK_MIN") ?? "0";
        string? count = environment("SLURM_ARRAY_TASK_COUNT");
        if (id == null || count == null)
        {
            throw new SweepInputException("--shard auto needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, which only a Slurm job array sets; outside Slurm use --shard I/N.");
        }
        if (!int.TryParse(id, CultureInfo.InvariantCulture, out int taskId) || !int.TryParse(min, CultureInfo.InvariantCulture, out int taskMin)
            || !int.TryParse(count, CultureInfo.InvariantCulture, out int taskCount) || taskCount < 1 || taskId - taskMin < 0 || taskId - taskMin >= taskCount)
        {
            throw new SweepInputException($"the Slurm array variables do not describe a task (SLURM_ARRAY_TASK_ID={id}, SLURM_ARRAY_TASK_MIN={min}, SLURM_ARRAY_TASK_COUNT={count}); submit with --array=0-(N-1).");
        }
        return new ShardSpec(taskId - taskMin, taskCount);
    }
}
