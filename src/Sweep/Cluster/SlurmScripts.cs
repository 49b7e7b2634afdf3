using System.Text;
using Sweep.Kernel;
using Sweep.Planning;

namespace Sweep.Cluster;

/// <summary>
/// Writes a Slurm job array, a job that depends on it, and a submit script. With files, each task
/// trains one shard into a database of its own (no two tasks write one SQLite file over a shared
/// file system) and the second job merges them; with a database server, every task runs the whole
/// sweep against it, claiming runs as they come, and the second job only draws the report.
/// </summary>
internal static class SlurmScripts
{
    public static (string Array, string Merge, string Submit) Write(SweepPlan plan, string sweepFile, int shards, string? partition,
        int? gpusPerTask, string time, string outDir, string workDir, string? server = null)
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
            {(server is null
                ? $"# Each task trains its shard into results/shards/results-I-of-{shards}.db; a re-queued task resumes there.\nexec {sweep} sweep {Quote(sweepFile)} --shard auto --no-report"
                : $"# Every task works on the whole sweep in the server's database, claiming the runs no live task holds; the password comes from PGPASSWORD or ~/.pgpass.\nexec {sweep} sweep {Quote(sweepFile)} --db {Quote(server)} --no-report")}

            """.Replace("\n\n\nset", "\n\nset", StringComparison.Ordinal));
        File.WriteAllText(merge, server is not null ? $"""
            #!/bin/bash
            # Draws the report of sweep '{plan.Name}' from the server once the array has finished.
            #SBATCH --job-name=sweep-{name}-report
            #SBATCH --time=00:30:00
            #SBATCH --output={Quote(Path.Combine(outDir, name))}-report-%j.out
            {header}
            set -euo pipefail
            cd {Quote(workDir)}
            {sweep} report --db {Quote(server)} --out {Path.GetDirectoryName(OutputLayout.DefaultDatabase)}/ --sweep {Quote(plan.Name)}

            """ : $"""
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
