using Sweep.Planning;
using Sweep.Spec;

namespace Sweep.Tests.Planning;

public sealed class GridExpanderTests
{
    [Test]
    public void Expands_to_the_cartesian_product_keeping_base_values()
    {
        var runs = GridExpander.Expand(
            new Dictionary<string, object?> { ["epochs"] = 2L, ["lr"] = 0.5 },
            [new GridAxis("lr", [0.1, 0.2]), new GridAxis("batch_size", [16L, 32L, 64L])]);

        Assert.That(runs, Has.Count.EqualTo(6));
        Assert.That(runs.All(r => (long)r["epochs"]! == 2));
        Assert.That(runs.Select(r => ((double)r["lr"]!, (long)r["batch_size"]!)), Is.EqualTo(new[]
        {
            (0.1, 16L), (0.1, 32L), (0.1, 64L), (0.2, 16L), (0.2, 32L), (0.2, 64L),
        }));
    }
}
