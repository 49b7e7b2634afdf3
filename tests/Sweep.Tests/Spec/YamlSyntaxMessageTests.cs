using Sweep.Kernel;
using Sweep.Planning;

namespace Sweep.Tests.Spec;

/// <summary>A YAML syntax error is said in YAML's terms, at the line and column where it starts.</summary>
public sealed class YamlSyntaxMessageTests
{
    [TestCase("name: x\ngrid:\n  lr: [0.1, 0.2\n  batch_size: [16]\n", "f.yaml:3:7: invalid YAML: the '[' opened here is never closed; end it with ']'")]
    [TestCase("name: x\ngrid:\n  lr: {logspace: [1e-4, 1e-2, 3]\n", "f.yaml:3:7: invalid YAML: the '{' opened here is never closed; end it with '}'")]
    [TestCase("name: \"x\ngrid:\n  lr: [0.1]\n", "f.yaml:1:7: invalid YAML: the double quote opened here is never closed")]
    [TestCase("name: 'it''s\ngrid:\n  lr: [0.1]\n", "f.yaml:1:7: invalid YAML: the single quote opened here is never closed")]
    [TestCase("name: x\ngrid:\n  lr: [0.1]\n batch_size: [16]\n", "f.yaml:4:2: invalid YAML: this line's indentation does not line up with the keys above it")]
    [TestCase("name: x\n\tgrid: 1\n", "invalid YAML: a tab is used for indentation; YAML indents with spaces only")]
    [TestCase("name: a: b\n", "f.yaml:1:8: invalid YAML: a second ':' on one line")]
    [TestCase("name: x\ngrid:\n  lr: [0.1]\n  lr: [0.2]\n", "f.yaml:4:3: invalid YAML: a key appears twice in one block")]
    [TestCase("name: x\ngrid:\n  batch_size: @16\n", "f.yaml:3:15: invalid YAML: a value starts with a character YAML reserves")]
    public void Names_the_problem_and_where_it_starts(string text, string expected)
    {
        var error = Assert.Throws<SweepInputException>(() => SweepPlanner.Parse(text, "f.yaml"))!;

        Assert.That(error.Message, Does.Contain(expected));
        Assert.That(error.Message, Does.Not.Contain("While ").And.Not.Contain("Operation is not valid").And.Not.Contain("Exception"));
    }

    [TestCase("name: x # a ] and a \" in a comment\ngrid:\n  lr: [0.1]   # [unclosed in a comment\n")]
    [TestCase("name: \"a [b\"\ngrid:\n  lr: [0.1]\n")]
    [TestCase("name: 'it''s [ok'\ngrid:\n  lr: [0.1]\n")]
    [TestCase("name: x\ngrid:\n  lr: [\n    0.1,\n    0.2]\n")]
    public void Brackets_and_quotes_in_comments_strings_or_across_lines_are_not_errors(string text)
    {
        Assert.That(Sweep.Spec.YamlSyntaxMessage.Unclosed(text), Is.Null);
        Assert.DoesNotThrow(() => SweepPlanner.Parse(text, "f.yaml"));
    }
}
