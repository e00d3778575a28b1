using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Throttling;

/// <summary>
/// A parser of RFC 8941 structured-field lists, as the IETF <c>RateLimit</c> and <c>RateLimit-Policy</c> fields are
/// written: <c>"burst";q=100;w=60, "daily";q=1000;w=86400</c>. It follows the RFC's parsing algorithm (§4.2): any error
/// fails the whole field, which the caller then ignores, as the RFC requires. Linear in the input, so random bytes cannot
/// make it hang.
/// </summary>
internal ref struct StructuredFieldList
{
    private readonly string _text;
    private int _position;

    private StructuredFieldList(string text)
    {
        _text = text;
        _position = 0;
    }

    /// <summary>Parses a list; false (and no members) when the field is malformed anywhere.</summary>
    public static bool TryParse(string text, out List<StructuredItem> members)
    {
        members = new List<StructuredItem>();
        var parser = new StructuredFieldList(text);
        parser.SkipSpaces();
        if (!parser.ParseMembers(members))
        {
            members.Clear();
            return false;
        }

        return true;
    }

    private bool ParseMembers(List<StructuredItem> members)
    {
        while (!AtEnd)
        {
            if (!ParseMember(out StructuredItem member))
            {
                return false;
            }

            members.Add(member);
            SkipWhitespace();
            if (AtEnd)
            {
                return true;
            }

            if (Current != ',')
            {
                return false;
            }

            _position++;
            SkipWhitespace();

            // A trailing comma is an error (RFC 8941 §4.2.1).
            if (AtEnd)
            {
                return false;
            }
        }

        return true;
    }

    private bool ParseMember(out StructuredItem member)
    {
        member = default;
        if (Current == '(')
        {
            // Inner lists carry nothing the rate-limit fields use; they are parsed so the rest of the list still reads.
            _position++;
            while (true)
            {
                SkipSpaces();
                if (AtEnd)
                {
                    return false;
                }

                if (Current == ')')
                {
                    _position++;
                    break;
                }

                if (!ParseBareItem(out _) || !ParseParameters(out _) || (!AtEnd && Current is not (' ' or ')')))
                {
                    return false;
                }
            }

            if (!ParseParameters(out List<KeyValuePair<string, object>> innerParameters))
            {
                return false;
            }

            member = new StructuredItem(null, innerParameters, isInnerList: true);
            return true;
        }

        if (!ParseBareItem(out object? value) || !ParseParameters(out List<KeyValuePair<string, object>> parameters))
        {
            return false;
        }

        member = new StructuredItem(value, parameters, isInnerList: false);
        return true;
    }

    private bool ParseParameters(out List<KeyValuePair<string, object>> parameters)
    {
        parameters = new List<KeyValuePair<string, object>>();
        while (!AtEnd && Current == ';')
        {
            _position++;
            SkipSpaces();
            if (!ParseKey(out string? key))
            {
                return false;
            }

            object value = true;
            if (!AtEnd && Current == '=')
            {
                _position++;
                if (!ParseBareItem(out object? parsed))
                {
                    return false;
                }

                value = parsed!;
            }

            // A key given twice keeps its last value (RFC 8941 §4.2.3.2).
            int existing = parameters.FindIndex(p => p.Key == key);
            if (existing >= 0)
            {
                parameters[existing] = new KeyValuePair<string, object>(key!, value);
            }
            else
            {
                parameters.Add(new KeyValuePair<string, object>(key!, value));
            }
        }

        return true;
    }

    private bool ParseKey(out string? key)
    {
        key = null;
        if (AtEnd || !(Current is >= 'a' and <= 'z' || Current == '*'))
        {
            return false;
        }

        int start = _position;
        while (!AtEnd && (Current is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '-' or '.' or '*'))
        {
            _position++;
        }

        key = _text.Substring(start, _position - start);
        return true;
    }

    private bool ParseBareItem(out object? value)
    {
        value = null;
        if (AtEnd)
        {
            return false;
        }

        char c = Current;
        if (c == '-' || c is >= '0' and <= '9')
        {
            return ParseNumber(out value);
        }

        if (c == '"')
        {
            return ParseString(out value);
        }

        if (c == ':')
        {
            return ParseByteSequence(out value);
        }

        if (c == '?')
        {
            return ParseBoolean(out value);
        }

        if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '*')
        {
            return ParseToken(out value);
        }

        return false;
    }

    private bool ParseNumber(out object? value)
    {
        value = null;
        int start = _position;
        if (Current == '-')
        {
            _position++;
        }

        int integerDigits = 0;
        int fractionDigits = -1;
        while (!AtEnd)
        {
            char c = Current;
            if (c is >= '0' and <= '9')
            {
                if (fractionDigits >= 0)
                {
                    fractionDigits++;
                }
                else
                {
                    integerDigits++;
                }
            }
            else if (c == '.' && fractionDigits < 0 && integerDigits is > 0 and <= 12)
            {
                fractionDigits = 0;
            }
            else
            {
                break;
            }

            if (integerDigits > 15 || fractionDigits > 3)
            {
                return false;
            }

            _position++;
        }

        string number = _text.Substring(start, _position - start);
        if (integerDigits == 0)
        {
            return false;
        }

        if (fractionDigits < 0)
        {
            value = long.Parse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return true;
        }

        if (fractionDigits == 0)
        {
            return false;
        }

        value = decimal.Parse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return true;
    }

    private bool ParseString(out object? value)
    {
        value = null;
        _position++;
        var text = new StringBuilder();
        while (!AtEnd)
        {
            char c = Current;
            _position++;
            if (c == '\\')
            {
                if (AtEnd || Current is not ('"' or '\\'))
                {
                    return false;
                }

                text.Append(Current);
                _position++;
            }
            else if (c == '"')
            {
                value = text.ToString();
                return true;
            }
            else if (c is < ' ' or > '~')
            {
                return false;
            }
            else
            {
                text.Append(c);
            }
        }

        return false;
    }

    private bool ParseToken(out object? value)
    {
        int start = _position;
        while (!AtEnd && IsTokenChar(Current))
        {
            _position++;
        }

        value = new StructuredToken(_text.Substring(start, _position - start));
        return true;
    }

    private bool ParseByteSequence(out object? value)
    {
        value = null;
        _position++;
        int start = _position;
        while (!AtEnd && Current != ':')
        {
            if (!(Current is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '+' or '/' or '='))
            {
                return false;
            }

            _position++;
        }

        if (AtEnd)
        {
            return false;
        }

        string encoded = _text.Substring(start, _position - start);
        _position++;
        try
        {
            value = Convert.FromBase64String(encoded);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private bool ParseBoolean(out object? value)
    {
        value = null;
        _position++;
        if (AtEnd || Current is not ('0' or '1'))
        {
            return false;
        }

        value = Current == '1';
        _position++;
        return true;
    }

    // tchar (RFC 9110 §5.6.2), ':' and '/'.
    private static bool IsTokenChar(char c)
        => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~' or ':' or '/';

    private readonly bool AtEnd => _position >= _text.Length;

    private readonly char Current => _text[_position];

    private void SkipSpaces()
    {
        while (!AtEnd && Current == ' ')
        {
            _position++;
        }
    }

    // OWS: spaces and horizontal tabs, allowed around list commas.
    private void SkipWhitespace()
    {
        while (!AtEnd && Current is ' ' or '\t')
        {
            _position++;
        }
    }
}

/// <summary>A member of a structured-field list: a bare item (or an inner list, whose items are not kept) and its parameters.</summary>
internal readonly struct StructuredItem
{
    public StructuredItem(object? value, List<KeyValuePair<string, object>> parameters, bool isInnerList)
    {
        Value = value;
        Parameters = parameters;
        IsInnerList = isInnerList;
    }

    /// <summary>A <see cref="long"/>, <see cref="decimal"/>, <see cref="string"/>, <see cref="StructuredToken"/>, byte array or <see cref="bool"/>.</summary>
    public object? Value { get; }

    public List<KeyValuePair<string, object>> Parameters { get; }

    public bool IsInnerList { get; }

    public object? Parameter(string key)
    {
        foreach (KeyValuePair<string, object> parameter in Parameters)
        {
            if (parameter.Key == key)
            {
                return parameter.Value;
            }
        }

        return null;
    }
}

/// <summary>An RFC 8941 token, told apart from a string.</summary>
internal readonly record struct StructuredToken(string Text);
