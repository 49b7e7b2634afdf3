using System.Text;
using Sweep.Running;
using Sweep.Tests.Support;

namespace Sweep.Tests.Running;

public sealed class CheckpointFormatTests
{
    [Test]
    public void A_checkpoint_of_the_earlier_format_is_refused_with_a_message_and_the_run_starts_over()
    {
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path);
        using (var writer = new BinaryWriter(File.Create(store.PathFor("run1")), Encoding.UTF8))
        {
            writer.Write("SWEEP-CHECKPOINT-1"); // TorchSharp's optimizer state followed; this build cannot read it
            writer.Write("run1");
            writer.Write(2);
        }
        var warnings = new List<string>();

        int epoch = store.LatestEpoch("run1", 5, warnings.Add);

        Assert.That(epoch, Is.EqualTo(0));
        Assert.That(warnings.Single(), Does.Contain("written by an earlier Sweep whose optimizer state this version does not read").And.Contain("starting run run1 over"));
    }
}
