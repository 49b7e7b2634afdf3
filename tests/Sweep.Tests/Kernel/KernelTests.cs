using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Kernel;

public sealed class KernelTests
{
    [Test]
    public void Every_status_round_trips_through_its_stored_text_and_an_unknown_text_is_never_finished()
    {
        foreach (RunStatus status in Enum.GetValues<RunStatus>())
        {
            Assert.That(RunStatusText.Parse(status.Text()), Is.EqualTo(status));
        }
        Assert.That(RunStatusText.Parse("pruned-by-a-newer-sweep").IsFinished(), Is.False);
        Assert.That(Enum.GetValues<RunStatus>().Where(s => s.IsFinished()), Is.EqualTo(new[] { RunStatus.Completed, RunStatus.Diverged }));
    }

    [Test]
    public void The_output_layout_derives_every_folder_from_the_database_path()
    {
        var layout = new OutputLayout("/data/exp/results.db");

        Assert.That((layout.CheckpointFolder, layout.ModelFolder, layout.ReportFolder, layout.ModelPath("abc")),
            Is.EqualTo(("/data/exp/checkpoints", "/data/exp/models", "/data/exp", "/data/exp/models/abc.pt")));
        Assert.That(OutputLayout.ShardDatabase(1, 4), Is.EqualTo("results/shards/results-1-of-4.db"));
    }

    [Test]
    public void An_atomic_write_that_fails_leaves_the_old_file_and_no_temporary_one()
    {
        using var dir = new TempDir();
        string path = dir.Write("a/file.bin", "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new InvalidOperationException("disk full");
        }));
        AtomicFile.Write(dir.File("b/new.bin"), stream => stream.Write("new"u8));

        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(dir.File("a")), Is.EqualTo(new[] { path }));
        Assert.That(File.ReadAllText(dir.File("b/new.bin")), Is.EqualTo("new"));
    }

    [Test]
    public void Deleting_a_file_also_removes_what_a_killed_writer_left_beside_it()
    {
        using var dir = new TempDir();
        string path = dir.Write("c/run.ckpt", "checkpoint");
        dir.Write("c/run.ckpt.4242.tmp", "half written by a process that was killed");
        string other = dir.Write("c/other.ckpt", "another run's");

        AtomicFile.Delete(path);

        Assert.That(Directory.GetFiles(dir.File("c")), Is.EqualTo(new[] { other }));
    }
}
