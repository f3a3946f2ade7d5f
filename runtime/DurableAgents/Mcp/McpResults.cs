using System.Text;
using System.Text.Json;
using DurableAgents.Agents;
using ModelContextProtocol.Protocol;

namespace DurableAgents.Mcp;

/// <summary>Turns an MCP <see cref="CallToolResult"/> into the journaled tool outcome the model is shown.</summary>
internal static class McpResults
{
    /// <summary>
    /// <c>isError</c>: an error told to the model. Otherwise the structured content when there is some (and it fits),
    /// else the text blocks joined by new lines, with other content kinds summarised in brackets; text past
    /// <paramref name="maxCharacters"/> is cut with a note.
    /// </summary>
    public static ToolOutcome ToOutcome(CallToolResult result, int maxCharacters)
    {
        maxCharacters = Math.Max(1, maxCharacters);
        if (result.IsError is not true && result.StructuredContent is { } structured
            && structured.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            var raw = structured.GetRawText();
            if (raw.Length <= maxCharacters)
            {
                return new ToolOutcome { Result = structured.Clone() };
            }
        }

        var text = Truncate(Text(result.Content), maxCharacters);
        return result.IsError is true
            ? new ToolOutcome { Error = text.Length == 0 ? "the MCP tool reported an error" : text }
            : new ToolOutcome { Result = JsonSerializer.SerializeToElement(text, AgentJsonContextHelpers.NullableString) };
    }

    private static string Text(IList<ContentBlock>? blocks)
    {
        if (blocks is null || blocks.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder();
        foreach (var block in blocks)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            switch (block)
            {
                case TextContentBlock t:
                    sb.Append(t.Text);
                    break;
                case ImageContentBlock i:
                    sb.Append("[image: ").Append(i.MimeType).Append(", ").Append(i.Data.Length).Append(" base64 characters]");
                    break;
                case AudioContentBlock a:
                    sb.Append("[audio: ").Append(a.MimeType).Append(", ").Append(a.Data.Length).Append(" base64 characters]");
                    break;
                case EmbeddedResourceBlock { Resource: TextResourceContents r }:
                    sb.Append("[resource ").Append(r.Uri).Append("]\n").Append(r.Text);
                    break;
                case EmbeddedResourceBlock { Resource: BlobResourceContents b }:
                    sb.Append("[resource ").Append(b.Uri).Append(": ").Append(b.MimeType).Append(", binary]");
                    break;
                case ResourceLinkBlock l:
                    sb.Append("[resource link: ").Append(l.Uri).Append(string.IsNullOrEmpty(l.Name) ? "" : " (" + l.Name + ")").Append(']');
                    break;
                default:
                    sb.Append('[').Append(block.Type).Append(" content]");
                    break;
            }
        }

        return sb.ToString();
    }

    internal static string Truncate(string text, int maxCharacters)
        => text.Length <= maxCharacters ? text : string.Concat(text.AsSpan(0, maxCharacters), $"\n[truncated: {maxCharacters} of {text.Length} characters shown]");
}
