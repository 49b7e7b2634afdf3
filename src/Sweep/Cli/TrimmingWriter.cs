using System.Text;

namespace Sweep.Cli;

/// <summary>
/// Drops spaces at the ends of lines. Spectre pads every row of a table (help included) to the
/// widest one, which in a log or a pipe leaves lines of ~150 columns that are mostly blank.
/// </summary>
internal sealed class TrimmingWriter(TextWriter inner) : TextWriter
{
    private int _pendingSpaces;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value == ' ')
        {
            _pendingSpaces++;
            return;
        }
        if (value is not ('\n' or '\r'))
        {
            inner.Write(new string(' ', _pendingSpaces));
        }
        _pendingSpaces = 0;
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? "")
        {
            Write(c);
        }
    }

    public override void Flush() => inner.Flush();
}
