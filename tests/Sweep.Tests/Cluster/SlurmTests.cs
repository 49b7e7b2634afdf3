using System.Diagnostics;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cluster;

public sealed class SlurmTests
{
    [Test]
    public void Slurm_writes_an_array_a_dependent_merge_job_and_a_submit_script()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: big grid\ngrid:\n  lr: [0.1, 0.01, 0.001]\n  batch_size: [16, 64]\n");

        CliResult result = SweepCli.Run(dir.Path, "slurm", "s.yaml", "--shards", "3", "--partition", "gpu", "--gpus-per-task", "1", "--time", "01:30:00");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("6 runs over 3 array tasks (2, 2, 2 runs each)"));
        string array = File.ReadAllText(dir.File("results/slurm/big-grid.sbatch"));
        Assert.That(array, Does.Contain("#SBATCH --array=0-2").And.Contain("#SBATCH --time=01:30:00").And.Contain("#SBATCH --partition=gpu")
            .And.Contain("#SBATCH --gpus-per-task=1").And.Contain("--shard auto"));
        Assert.That(File.ReadAllText(dir.File("results/slurm/big-grid-merge.sbatch")), Does.Contain("merge results/shards/results-*-of-3.db --into results/results.db"));
        Assert.That(File.ReadAllText(dir.File("results/slurm/big-grid-submit.sh")), Does.Contain("--dependency=afterany:"));
        foreach (string script in Directory.GetFiles(dir.File("results/slurm")))
        {
            using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", script]) { RedirectStandardError = true })!;
            bash.WaitForExit();
            Assert.That(bash.ExitCode, Is.EqualTo(0), $"{script} is not valid bash: {bash.StandardError.ReadToEnd()}");
        }
    }

    [TestCase("--time", "90 minutes", "--time '90 minutes' is not HH:MM:SS")]
    [TestCase("--shards", "0", "--shards must be from 1 to 10000")]
    public void Bad_slurm_options_exit_2(string option, string value, string message)
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "grid:\n  lr: [0.1]\n");

        CliResult result = SweepCli.Run(dir.Path, "slurm", "s.yaml", option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain(message));
    }

    [Test]
    public void A_halving_sweep_is_refused_before_any_script_is_written()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: halved\nepochs: 4\nhalving:\n  min_epochs: 1\ngrid:\n  lr: [0.1, 0.01]\n");

        CliResult result = SweepCli.Run(dir.Path, "slurm", "s.yaml", "--shards", "2");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("'halving' decides each rung over all runs of a group").And.Contain("remove 'halving'"));
        Assert.That(Directory.Exists(dir.File("results/slurm")), Is.False);
    }

    /// <summary>Starts a real one-node Slurm cluster (root, slurm-wlm and munge; .ci/run installs them) and skips, saying why, where it cannot.</summary>
    [Test]
    public void A_real_Slurm_job_array_reproduces_the_single_machine_results()
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "tests", "slurm", "slurm-e2e.sh"), RepoPaths.SweepDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 77)
        {
            string why = output.Trim().Split('\n').Last();
            // A missing package is an install .ci/run does; not being root is the machine's.
            if (why.Contains("is missing", StringComparison.Ordinal))
            {
                Requirement.Installed(false, why);
            }
            Assert.Ignore(why);
        }
        Assert.That(process.ExitCode, Is.EqualTo(0), output);
    }
}
