namespace Sweep.Kernel;

/// <summary>Where a run stands. Stored as lower-case text in <c>runs.status</c>; <see cref="RunStatusText"/> is the one mapping.</summary>
internal enum RunStatus
{
    /// <summary>Planned, never started (no row in the database).</summary>
    New,
    Running,
    Completed,
    Diverged,
    Failed,
    Interrupted,

    /// <summary>Stopped at a rung by successive halving; resumable (its checkpoint is kept) when asked for without halving.</summary>
    Pruned,
}

/// <summary>The text of each status in the database and in tables people read.</summary>
internal static class RunStatusText
{
    private static readonly Dictionary<RunStatus, string> Texts = new()
    {
        [RunStatus.New] = "new",
        [RunStatus.Running] = "running",
        [RunStatus.Completed] = "completed",
        [RunStatus.Diverged] = "diverged",
        [RunStatus.Failed] = "failed",
        [RunStatus.Interrupted] = "interrupted",
        [RunStatus.Pruned] = "pruned",
    };

    private static readonly Dictionary<string, RunStatus> ByText = Texts.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static string Text(this RunStatus status) => Texts[status];

    /// <summary>The status a stored text names; an unknown text (a newer Sweep's) reads as failed rather than finished.</summary>
    public static RunStatus Parse(string? text) => text != null && ByText.TryGetValue(text, out RunStatus s) ? s : RunStatus.Failed;

    /// <summary>Finished for good: a sweep never trains such a run again.</summary>
    public static bool IsFinished(this RunStatus status) => status is RunStatus.Completed or RunStatus.Diverged;
}
