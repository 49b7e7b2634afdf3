using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>What a command-line user expects: typo hints, help without padding, every option described.</summary>
public sealed class CliHabitsTests
{
    [TestCase("sweep", "x.yaml", "--paralel", "2", "'--parallel'")]
    [TestCase("report", "--outt", "r", null, "'--out'")]
    [TestCase("lr-find", "x.yaml", "--start-l", "1e-6", "'--start-lr'")]
    public void A_misspelt_option_gets_a_suggestion(string command, string a, string b, string? c, string suggestion)
    {
        using var dir = new TempDir();
        CliResult result = SweepCli.Run(dir.Path, new[] { command, a, b, c }.OfType<string>().ToArray());

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"Did you mean {suggestion}?"));
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [TestCase("sweep", "--lease", "0.001", "--lease takes a whole number, not '0.001'")]
    [TestCase("sweep", "--live-every", "1.5", "--live-every takes a whole number, not '1.5'")]
    [TestCase("lr-find", "--steps=abc", null, "--steps takes a whole number, not 'abc'")]
    public void A_value_of_the_wrong_type_names_its_option(string command, string option, string? value, string expected)
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", StoredSweep.Yaml);
        CliResult result = SweepCli.Run(dir.Path, new[] { command, "s.yaml", option, value }.OfType<string>().ToArray());

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain(expected));
        Assert.That(Directory.Exists(dir.File("results")), Is.False);
    }

    [TestCase("sweep")]
    [TestCase("lr-find")]
    [TestCase("report")]
    public void Help_has_no_padded_lines_and_describes_every_option(string command)
    {
        using var dir = new TempDir();
        CliResult help = SweepCli.Run(dir.Path, command, "--help");

        Assert.That(help.ExitCode, Is.EqualTo(0), help.ToString());
        var lines = help.Output().Split('\n');
        Assert.That(lines.Where(l => l.EndsWith(' ')), Is.Empty, "no trailing spaces");
        // An option row: "    --name <VALUE>    [default]    description"; one with nothing after its name has no description.
        var bare = lines.Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+(-\w, )?--[\w-]+( <\w+>)?(\s+\S+)?$") && !l.Contains("--help", StringComparison.Ordinal));
        Assert.That(bare, Is.Empty, "every option has a description");
    }

    [Test]
    public void Version_answers()
    {
        using var dir = new TempDir();
        CliResult version = SweepCli.Run(dir.Path, "--version");

        Assert.That(version.ExitCode, Is.EqualTo(0), version.ToString());
        Assert.That(version.Stdout.Trim(), Does.Match(@"^\d+\.\d+\.\d+$"));
    }
}
