using System.Globalization;
using System.Text;

namespace DurableAgents.Generator.Parsing;

/// <summary>A minimal compact JSON writer (the generator runs on netstandard2.0 without System.Text.Json).</summary>
internal sealed class JsonWriter
{
    private readonly StringBuilder _sb = new();
    private bool _needComma;

    public JsonWriter StartObject()
    {
        Separate();
        _sb.Append('{');
        _needComma = false;
        return this;
    }

    public JsonWriter EndObject()
    {
        _sb.Append('}');
        _needComma = true;
        return this;
    }

    public JsonWriter StartArray()
    {
        Separate();
        _sb.Append('[');
        _needComma = false;
        return this;
    }

    public JsonWriter EndArray()
    {
        _sb.Append(']');
        _needComma = true;
        return this;
    }

    public JsonWriter Property(string name)
    {
        Separate();
        WriteString(name);
        _sb.Append(':');
        _needComma = false;
        return this;
    }

    public JsonWriter String(string value)
    {
        Separate();
        WriteString(value);
        _needComma = true;
        return this;
    }

    public JsonWriter Number(long value)
    {
        Separate();
        _sb.Append(value.ToString(CultureInfo.InvariantCulture));
        _needComma = true;
        return this;
    }

    public JsonWriter Number(ulong value)
    {
        Separate();
        _sb.Append(value.ToString(CultureInfo.InvariantCulture));
        _needComma = true;
        return this;
    }

    /// <summary>Appends an already-serialized JSON value.</summary>
    public JsonWriter Raw(string json)
    {
        Separate();
        _sb.Append(json);
        _needComma = true;
        return this;
    }

    public override string ToString() => _sb.ToString();

    private void Separate()
    {
        if (_needComma)
        {
            _sb.Append(',');
        }
    }

    private void WriteString(string value)
    {
        _sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': _sb.Append("\\\""); break;
                case '\\': _sb.Append("\\\\"); break;
                case '\n': _sb.Append("\\n"); break;
                case '\r': _sb.Append("\\r"); break;
                case '\t': _sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        _sb.Append(c);
                    }

                    break;
            }
        }

        _sb.Append('"');
    }
}
