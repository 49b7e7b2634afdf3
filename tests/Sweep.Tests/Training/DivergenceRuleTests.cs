using Sweep.Spec;
using Sweep.Tests.Support;
using Sweep.Training;

namespace Sweep.Tests.Training;

public sealed class DivergenceRuleTests
{
    private static readonly RunConfig Config = Plans.OneRun("grid:\n  lr: [0.01]\n"); // divergence_factor 10, 10 classes: bound 23.0

    [TestCase(2.3, 0.5, null)]
    [TestCase(23.0, 0.5, null)]
    [TestCase(23.1, 0.5, "training loss 23.1 in epoch 3 is beyond 23")]
    [TestCase(double.NaN, 0.5, "training loss NaN in epoch 3")]
    [TestCase(double.PositiveInfinity, 0.5, "training loss Infinity in epoch 3")]
    [TestCase(0.4, double.NaN, "test loss NaN in epoch 3 (the model's outputs on the test images are not finite)")]
    [TestCase(0.4, double.PositiveInfinity, "test loss Infinity in epoch 3")]
    public void A_run_diverges_on_a_training_loss_beyond_the_bound_or_a_test_loss_that_is_not_finite(double train, double test, string? expected)
    {
        string? why = DivergenceRule.Check(Config, 10, 3, train, test);

        Assert.That(why, expected is null ? Is.Null : Does.StartWith(expected));
    }
}
