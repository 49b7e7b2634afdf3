using System.Text;
using Sweep.Kernel;
using Sweep.Planning;

namespace Sweep.Cluster;

/// <summary>
/// Writes a Slurm job array (one task per shard, each with its own database so no two tasks write
/// one SQLite file over a shared file system), a merge job that depends on it, and a submit script.
/// </summary>
internal static class SlurmScripts
{
    public static (string Array, string Merge, string Submit) Write(SweepPlan plan, string sweepFile, int shards, string? partition,
        int? gpusPerTask, string time, string outDir, string workDir)
    {
        Directory.CreateDirectory(outDir);
        string name = Safe(plan.Name);
        string sweep = $"dotnet {Quote(Path.Combine(AppContext.BaseDirectory, "sweep.dll"))}";
        string array = Path.Combine(outDir, $"{name}.sbatch");
        string merge = Path.Combine(outDir, $"{name}-merge.sbatch");
        string submit = Path.Combine(outDir, $"{name}-submit.sh");

        var header = new StringBuilder();
        if (partition != null)
        {
            header.AppendLine($"#SBATCH --partition={partition}");
        }
        File.WriteAllText(array, $"""
            #!/bin/bash
            # Sweep '{plan.Name}': {plan.Runs.Count} runs over {shards} array tasks. Written by 'sweep slurm'.
            #SBATCH --job-name=sweep-{name}
            #SBATCH --array=0-{shards - 1}
            #SBATCH --time={time}
            #SBATCH --output={Quote(Path.Combine(outDir, name))}-%A_%a.out
            {header}{(gpusPerTask is > 0 ? $"#SBATCH --gpus-per-task={gpusPerTask}\n" : "")}
            set -euo pipefail
            cd {Quote(workDir)}
            # Each task trains its shard into results/shards/results-I-of-{shards}.db; a re-queued task resumes there.
            exec {sweep} sweep {Quote(sweepFile)} --shard auto --no-report

            """.Replace("\n\n\nset", "\n\nset", StringComparison.Ordinal));
        File.WriteAllText(merge, $"""
            #!/bin/bash
            # Merges the shards of sweep '{plan.Name}' into {OutputLayout.DefaultDatabase} and draws the report.
            #SBATCH --job-name=sweep-{name}-merge
            #SBATCH --time=00:30:00
            #SBATCH --output={Quote(Path.Combine(outDir, name))}-merge-%j.out
            {header}
            set -euo pipefail
            cd {Quote(workDir)}
            {sweep} merge results/shards/results-*-of-{shards}.db --into {OutputLayout.DefaultDatabase}
            {sweep} report --db {OutputLayout.DefaultDatabase} --out {Path.GetDirectoryName(OutputLayout.DefaultDatabase)}/ --sweep {Quote(plan.Name)}

            """);
        File.WriteAllText(submit, $$"""
            #!/bin/bash
            # Submits the job array, then the merge job to run after it (whatever its tasks' exit codes).
            set -euo pipefail
            array=$(sbatch --parsable {{Quote(array)}})
            merge=$(sbatch --parsable --dependency=afterany:${array%%;*} {{Quote(merge)}})
            echo "submitted array job $array and merge job $merge"

            """);
        return (array, merge, submit);
    }

    private static string Safe(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
