namespace Sweep.Tests.Support;

/// <summary>
/// What a test needs from the machine. Missing here, the test is skipped and says why; under CI
/// (CI=true, which .ci/run sets after installing every such package) it fails instead, so a green
/// CI never hides a test that an install would have let run.
/// </summary>
internal static class Requirement
{
    public static bool UnderCi => Environment.GetEnvironmentVariable("CI") == "true";

    public static void Installed(bool present, string why)
    {
        if (present)
        {
            return;
        }
        if (UnderCi)
        {
            Assert.Fail($"{why} (.ci/run installs it, so under CI a missing install is a failure, not a skip)");
        }
        Assert.Ignore(why);
    }

    /// <summary>A test that cannot apply to this platform at all: a counted skip, never an inconclusive result that vanishes from the totals.</summary>
    public static void Platform(bool applies, string why)
    {
        if (!applies)
        {
            Assert.Ignore(why);
        }
    }
}
