using Sweep.Planning;
using Sweep.Spec;

namespace Sweep.Tests.Support;

/// <summary>Sweep-file text to plans and runs, as the CLI would read it from <paramref name="path"/>.</summary>
internal static class Plans
{
    public static SweepPlan Of(string yaml, string path = "test.yaml") => SweepPlanner.Parse(yaml, path);

    /// <summary>The settings of the file's one run; fails when it plans more or fewer.</summary>
    public static RunConfig OneRun(string yaml) => Of(yaml).Runs.Single().Config;

    public static IReadOnlyList<RunConfig> Runs(string yaml) => Of(yaml).Runs.Select(r => r.Config).ToList();
}
