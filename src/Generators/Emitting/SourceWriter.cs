using System.Text;

namespace Throttling.Generators.Emitting;

/// <summary>Writes C# source line by line at an indentation it tracks, so the emitter reads like the code it writes.</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();
    private int _depth;

    public SourceWriter Line(string line = "")
    {
        if (line.Length != 0)
        {
            for (int i = 0; i < _depth; i++)
            {
                _text.Append(IndentUnit);
            }

            _text.Append(line);
        }

        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <c>{</c> and indents until <see cref="CloseBlock"/>.</summary>
    public SourceWriter OpenBlock(string? head = null)
    {
        if (head is not null)
        {
            Line(head);
        }

        Line("{");
        _depth++;
        return this;
    }

    public SourceWriter CloseBlock()
    {
        _depth--;
        return Line("}");
    }

    public SourceWriter Indent()
    {
        _depth++;
        return this;
    }

    public SourceWriter Outdent()
    {
        _depth--;
        return this;
    }

    /// <summary>Appends to the line written last, such as the comma after an argument.</summary>
    public SourceWriter AppendToLastLine(string text)
    {
        _text.Insert(_text.Length - 1, text);
        return this;
    }

    public override string ToString() => _text.ToString();
}
