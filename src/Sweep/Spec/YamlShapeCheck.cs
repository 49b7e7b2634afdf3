using Sweep.Kernel;
using YamlDotNet.Core.Events;
using YamlDotNet.Core;

namespace Sweep.Spec;

/// <summary>
/// Reads a sweep file's YAML as a stream of events, before any document is built, and refuses
/// what a sweep file never needs but a hostile one can use to exhaust time or memory: aliases
/// (anchors referring to anchors expand exponentially), nesting deeper than <see cref="MaxDepth"/>
/// (the document builder recurses), and more than <see cref="MaxEvents"/> values. Runs in time
/// and memory linear in the file's size.
/// </summary>
internal static class YamlShapeCheck
{
    /// <summary>A sweep file nests 4 levels (grid → axis → generator → list); 32 leaves room and stops recursion bombs.</summary>
    public const int MaxDepth = 32;

    /// <summary>Far beyond any sweep file (a 10,000-value axis is 10,000 events), far below what could exhaust memory.</summary>
    public const int MaxEvents = 1_000_000;

    public static void Check(string text, string path)
    {
        var parser = new Parser(new StringReader(text));
        int depth = 0, events = 0;
        Mark at = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                ParsingEvent e = parser.Current!;
                at = e.Start;
                if (++events > MaxEvents)
                {
                    throw new SweepInputException($"{path}:{at.Line}:{at.Column}: the file holds more than {MaxEvents:N0} YAML values; a sweep file needs far fewer — use a generator such as {{logspace: [1e-5, 1e-1, 9]}} for long axes.");
                }
                switch (e)
                {
                    case AnchorAlias alias:
                        throw new SweepInputException($"{path}:{at.Line}:{at.Column}: YAML aliases (*{alias.Value}) are not allowed in a sweep file; write the values out, or share settings with 'extends'.");
                    case SequenceStart or MappingStart when ++depth > MaxDepth:
                        throw new SweepInputException($"{path}:{at.Line}:{at.Column}: values are nested more than {MaxDepth} levels deep; a sweep file needs at most 4 (grid → axis → generator → list).");
                    case SequenceEnd or MappingEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            throw SweepErrors.InvalidYaml(path, text, ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            // YamlDotNet reports some malformed input (an unclosed flow sequence at the end of the file) this way, without a position.
            throw new SweepInputException(YamlSyntaxMessage.For(path, text, at.Line, at.Column, ex.Message));
        }
    }
}
