using System.Text.RegularExpressions;

namespace Sweep.Spec;

/// <summary>
/// Says what is wrong with a sweep file's YAML in YAML's terms (brackets, quotes, indentation,
/// tabs), with the line and column where the problem starts, instead of the parser's internal
/// wording ("Operation is not valid due to the current state of the object").
/// </summary>
internal static partial class YamlSyntaxMessage
{
    /// <summary>One sentence, "file:line:column: what is wrong; how to fix it."</summary>
    public static string For(string file, string text, long line, long column, string parserMessage)
    {
        // An unclosed bracket or quote is found by scanning: the parser reports it only where it gave up.
        if (Unclosed(text) is { } open)
        {
            return $"{file}:{open.Line}:{open.Column}: invalid YAML: {open.What}.";
        }
        string what = parserMessage switch
        {
            _ when parserMessage.Contains("tab character", StringComparison.OrdinalIgnoreCase) =>
                "a tab is used for indentation; YAML indents with spaces only",
            _ when parserMessage.Contains("did not find expected key", StringComparison.OrdinalIgnoreCase) =>
                "this line's indentation does not line up with the keys above it; indent keys of one block by the same number of spaces",
            _ when parserMessage.Contains("invalid mapping", StringComparison.OrdinalIgnoreCase)
                || parserMessage.Contains("not allowed in this context", StringComparison.OrdinalIgnoreCase) =>
                "a second ':' on one line; write one 'key: value' per line, or quote a value that contains ': '",
            _ when parserMessage.Contains("cannot start any token", StringComparison.OrdinalIgnoreCase) =>
                "a value starts with a character YAML reserves (such as @, ` or %); put the value in quotes",
            _ when parserMessage.Contains("duplicate key", StringComparison.OrdinalIgnoreCase) =>
                "a key appears twice in one block; keep one",
            _ when parserMessage.Contains("expected <document start>", StringComparison.OrdinalIgnoreCase)
                || parserMessage.Contains("expected <block end>", StringComparison.OrdinalIgnoreCase) =>
                "this line's indentation does not fit the block it is in; line it up with its sibling keys",
            _ when parserMessage.Contains("end of stream", StringComparison.OrdinalIgnoreCase) =>
                "the file ends inside an unfinished value",
            _ => "this is not valid YAML here; compare the line with the sweep file examples in docs/sweep-files.md",
        };
        return $"{file}:{line}:{column}: invalid YAML: {what}.";
    }

    /// <summary>The first '[', '{' or quote the text opens and never closes, outside comments.</summary>
    internal static (int Line, int Column, string What)? Unclosed(string text)
    {
        var open = new Stack<(char Bracket, int Line, int Column)>();
        string[] lines = text.Split('\n');
        var starts = new int[lines.Length];
        for (int i = 1; i < lines.Length; i++)
        {
            starts[i] = starts[i - 1] + lines[i - 1].Length + 1;
        }
        for (int l = 0; l < lines.Length; l++)
        {
            string s = lines[l];
            for (int c = 0; c < s.Length; c++)
            {
                char ch = s[c];
                bool startsToken = c == 0 || " \t[{,:".Contains(s[c - 1]);
                if (ch == '#' && (c == 0 || char.IsWhiteSpace(s[c - 1])))
                {
                    break;
                }
                if ((ch == '"' || ch == '\'') && startsToken)
                {
                    int end = ClosingQuote(text, starts[l] + c + 1, ch);
                    if (end < 0)
                    {
                        return (l + 1, c + 1, $"the {(ch == '"' ? "double" : "single")} quote opened here is never closed; end the value with a matching {ch}");
                    }
                    // A quoted value may go on over several lines: continue after its closing quote.
                    while (starts[l] + lines[l].Length < end)
                    {
                        l++;
                    }
                    s = lines[l];
                    c = end - starts[l];
                }
                else if (ch is '[' or '{')
                {
                    open.Push((ch, l + 1, c + 1));
                }
                else if (ch is ']' or '}' && open.Count > 0 && open.Peek().Bracket == (ch == ']' ? '[' : '{'))
                {
                    open.Pop();
                }
            }
        }
        if (open.Count == 0)
        {
            return null;
        }
        var first = open.Reverse().First();
        char close = first.Bracket == '[' ? ']' : '}';
        return (first.Line, first.Column, $"the '{first.Bracket}' opened here is never closed; end it with '{close}', as in {(close == ']' ? "lr: [0.1, 0.01]" : "lr: {logspace: [1e-4, 1e-2, 3]}")}");
    }

    private static int ClosingQuote(string text, int from, char quote)
    {
        for (int i = from; i < text.Length; i++)
        {
            if (quote == '"' && text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == quote)
            {
                if (quote == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                {
                    i++; // '' is an escaped single quote
                    continue;
                }
                return i;
            }
        }
        return -1;
    }
}
