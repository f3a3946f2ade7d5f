using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>
/// A small deterministic model that needs no key and no network, so samples and tests run anywhere. It reads the last
/// user message, calls the tools whose names or descriptions match its words (one call per place or quoted value it
/// finds, so "Paris and Berlin" gives two parallel calls), and once the tool results are in, answers with a summary of
/// them. Asked for JSON (a response schema), it answers with an object that fits the schema. Asked to summarize, it
/// summarizes. Same input, same output.
/// </summary>
public sealed partial class OfflineChatClient : IChatClient
{
    /// <summary>The model id it reports.</summary>
    public const string ModelId = "durableagents-offline";

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "for", "on", "at", "is", "are", "be", "it", "its", "this", "that", "with",
        "what", "whats", "how", "please", "me", "my", "get", "set", "do", "does", "can", "you", "your", "about", "from", "by", "as",
    };

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        var reply = Reply(list, options);
        var inputTokens = list.Sum(static m => CountWords(m.Text));
        var outputTokens = reply.Contents.Sum(static c => c is TextContent t ? CountWords(t.Text) : 8);
        var response = new ChatResponse(reply)
        {
            ModelId = ModelId,
            FinishReason = reply.Contents.OfType<FunctionCallContent>().Any() ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens, TotalTokenCount = inputTokens + outputTokens },
            ResponseId = "offline-" + list.Count.ToString(CultureInfo.InvariantCulture),
        };
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var message = response.Messages[0];
        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        if (calls.Count > 0)
        {
            foreach (var call in calls)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [call]) { ModelId = ModelId, ResponseId = response.ResponseId, MessageId = response.ResponseId };
            }
        }
        else
        {
            // Word by word, like a real model.
            var words = message.Text.Split(' ');
            for (var i = 0; i < words.Length; i++)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, i == 0 ? words[i] : " " + words[i]) { ModelId = ModelId, ResponseId = response.ResponseId, MessageId = response.ResponseId };
            }
        }

        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ModelId = ModelId,
            ResponseId = response.ResponseId,
            MessageId = response.ResponseId,
            FinishReason = response.FinishReason,
            Contents = [new UsageContent(response.Usage!)],
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is null && serviceType.IsInstanceOfType(this) ? this
            : serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("durableagents-offline", null, ModelId)
            : null;

    /// <inheritdoc />
    public void Dispose() { }

    private static ChatMessage Reply(List<ChatMessage> messages, ChatOptions? options)
    {
        var system = string.Join("\n", messages.Where(static m => m.Role == ChatRole.System).Select(static m => m.Text));
        var lastUser = messages.FindLastIndex(static m => m.Role == ChatRole.User);
        var prompt = lastUser >= 0 ? messages[lastUser].Text : "";

        if (system.Contains("Summarize", StringComparison.OrdinalIgnoreCase) && (options?.Tools is null || options.Tools.Count == 0))
        {
            return new ChatMessage(ChatRole.Assistant, Summarize(prompt));
        }

        // Tool results since the last user message: answer with them.
        var results = messages.Skip(lastUser + 1).SelectMany(static m => m.Contents).OfType<FunctionResultContent>().ToList();
        var calls = messages.Skip(lastUser + 1).SelectMany(static m => m.Contents).OfType<FunctionCallContent>().ToDictionary(static c => c.CallId, static c => c, StringComparer.Ordinal);
        if (results.Count > 0)
        {
            var summary = new StringBuilder();
            foreach (var r in results)
            {
                var name = calls.TryGetValue(r.CallId, out var call) ? call.Name : "tool";
                var args = call?.Arguments is { Count: > 0 } a ? " (" + string.Join(", ", a.Values.Select(Render)) + ")" : "";
                summary.Append(summary.Length == 0 ? "" : "; ").Append(name).Append(args).Append(": ").Append(Render(r.Result).TrimEnd('.'));
            }

            return new ChatMessage(ChatRole.Assistant, Answer(prompt, "Here is what I found: " + summary + ".", options));
        }

        var toolCalls = PickTools(prompt, options, messages.Count);
        if (toolCalls.Count > 0)
        {
            return new ChatMessage(ChatRole.Assistant, toolCalls.Cast<AIContent>().ToList());
        }

        var remembered = messages.Take(Math.Max(0, lastUser)).Count(static m => m.Role == ChatRole.User);
        var text = remembered > 0
            ? $"You said: {prompt.Trim()} (I remember {remembered} earlier message{(remembered == 1 ? "" : "s")} of this conversation.)"
            : $"You said: {prompt.Trim()}";
        return new ChatMessage(ChatRole.Assistant, Answer(prompt, text, options));
    }

    private static string Answer(string prompt, string text, ChatOptions? options)
    {
        if (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema })
        {
            return FillSchema(schema, text, prompt).GetRawText();
        }

        return options?.ResponseFormat is ChatResponseFormatJson
            ? JsonSerializer.Serialize(text, AgentJsonContextHelpers.NullableString)
            : text;
    }

    private static List<FunctionCallContent> PickTools(string prompt, ChatOptions? options, int turn)
    {
        var calls = new List<FunctionCallContent>();
        if (options?.Tools is not { Count: > 0 } tools || options.ToolMode is NoneChatToolMode)
        {
            return calls;
        }

        var promptWords = Words(prompt).Select(Stem).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var tool in tools.OfType<AIFunctionDeclaration>())
        {
            var nameWords = Words(tool.Name.Replace('_', ' ')).Select(Stem).Where(w => !StopWords.Contains(w)).ToList();
            // A tool word matches a prompt word it starts ("research" matches "researcher"; "weather" matches "weather").
            var matched = nameWords.Any(n => promptWords.Contains(n) || (n.Length >= 5 && promptWords.Any(p => p.StartsWith(n, StringComparison.OrdinalIgnoreCase))));
            if (!matched)
            {
                continue;
            }

            foreach (var args in ArgumentSets(tool.JsonSchema, prompt))
            {
                calls.Add(new FunctionCallContent($"call_{turn}_{calls.Count + 1}", tool.Name, args));
            }
        }

        return calls;
    }

    /// <summary>One argument set per value found for the first required string parameter (several places → several calls).</summary>
    private static IEnumerable<Dictionary<string, object?>> ArgumentSets(JsonElement schema, string prompt)
    {
        var properties = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? p.EnumerateObject().ToList()
            : [];
        var required = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(static e => e.GetString() ?? "").ToHashSet(StringComparer.Ordinal)
            : [];

        var stringParams = properties.Where(static x => TypeOf(x.Value) == "string").Select(static x => x.Name).ToList();
        var primary = stringParams.FirstOrDefault(required.Contains) ?? stringParams.FirstOrDefault();
        var values = primary is null ? [""] : ValuesFor(primary, prompt);
        foreach (var value in values)
        {
            var args = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var prop in properties)
            {
                if (prop.Name == primary)
                {
                    args[prop.Name] = value;
                }
                else if (required.Contains(prop.Name))
                {
                    args[prop.Name] = TypeOf(prop.Value) switch
                    {
                        "integer" => FirstNumber(prompt) is { } n ? (object)(long)n : 1L,
                        "number" => FirstNumber(prompt) ?? 1.0,
                        "boolean" => true,
                        _ => prompt.Trim(),
                    };
                }
            }

            yield return args;
        }
    }

    private static List<string> ValuesFor(string parameter, string prompt)
    {
        var quoted = QuotedRegex().Matches(prompt).Select(static m => m.Groups[1].Value).Where(static v => v.Length > 0).ToList();
        if (quoted.Count > 0)
        {
            return quoted;
        }

        var lower = parameter.ToLowerInvariant();
        if (lower is "message" or "query" or "question" or "task" or "text" or "prompt" or "input")
        {
            return [prompt.Trim()];
        }

        // Places and names: capitalized words after "in", "for", "at", "to", "about" (and those joined by "and" or commas).
        var places = new List<string>();
        foreach (Match m in PlaceRegex().Matches(prompt))
        {
            foreach (var part in SplitListRegex().Split(m.Groups[1].Value))
            {
                var v = part.Trim().TrimEnd('?', '.', '!', ',');
                if (v.Length > 0 && char.IsUpper(v[0]) && !places.Contains(v, StringComparer.Ordinal))
                {
                    places.Add(v);
                }
            }
        }

        if (places.Count > 0)
        {
            return places;
        }

        var capitalized = Words(prompt).Skip(1).Where(static w => char.IsUpper(w[0])).Distinct(StringComparer.Ordinal).ToList();
        return capitalized.Count > 0 ? [capitalized[0]] : [prompt.Trim()];
    }

    private static JsonElement FillSchema(JsonElement schema, string text, string prompt)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteValue(w, schema, text, prompt, "answer");
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private static void WriteValue(Utf8JsonWriter w, JsonElement schema, string text, string prompt, string name)
    {
        switch (TypeOf(schema))
        {
            case "object":
                w.WriteStartObject();
                if (schema.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in props.EnumerateObject())
                    {
                        w.WritePropertyName(p.Name);
                        WriteValue(w, p.Value, text, prompt, p.Name);
                    }
                }

                w.WriteEndObject();
                break;
            case "array":
                w.WriteStartArray();
                if (schema.TryGetProperty("items", out var items))
                {
                    WriteValue(w, items, text, prompt, name);
                }

                w.WriteEndArray();
                break;
            case "integer":
                w.WriteNumberValue((long)(FirstNumber(text) ?? 0));
                break;
            case "number":
                w.WriteNumberValue(FirstNumber(text) ?? 0);
                break;
            case "boolean":
                w.WriteBooleanValue(true);
                break;
            case "null":
                w.WriteNullValue();
                break;
            default:
                if (schema.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0)
                {
                    e[0].WriteTo(w);
                }
                else
                {
                    var lower = name.ToLowerInvariant();
                    var values = lower.Contains("city", StringComparison.Ordinal) || lower.Contains("place", StringComparison.Ordinal) || lower.Contains("location", StringComparison.Ordinal)
                        ? ValuesFor(name, prompt)
                        : [text];
                    w.WriteStringValue(values[0]);
                }

                break;
        }
    }

    private static string TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out _) ? "object" : "string";
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return type.GetString() ?? "string";
        }

        if (type.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in type.EnumerateArray())
            {
                if (t.GetString() is { } s && s != "null")
                {
                    return s;
                }
            }
        }

        return "string";
    }

    private static double? FirstNumber(string text)
    {
        var m = NumberRegex().Match(text);
        return m.Success && double.TryParse(m.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private static string Summarize(string transcript)
    {
        var lines = transcript.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parts = lines.Select(static l => l.Length > 80 ? l[..80] + "…" : l);
        return "Earlier: " + string.Join(" | ", parts);
    }

    private static string Render(object? value) => value switch
    {
        null => "null",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? "",
        JsonElement { ValueKind: JsonValueKind.Object } e => string.Join(", ", e.EnumerateObject().Select(static p => p.Name + " " + Render(p.Value))),
        JsonElement e => e.GetRawText(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static IEnumerable<string> Words(string text) => WordRegex().Matches(text).Select(static m => m.Value);

    private static string Stem(string word)
    {
        var w = word.ToLowerInvariant();
        return w.Length > 4 && w.EndsWith('s') ? w[..^1] : w;
    }

    private static int CountWords(string text) => string.IsNullOrEmpty(text) ? 0 : Words(text).Count();

    [GeneratedRegex(@"""([^""]+)""|'([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedRegex();

    [GeneratedRegex(@"\b(?:in|for|at|to|about|of)\s+((?:[A-Z][\p{L}\-']*(?:\s+[A-Z][\p{L}\-']*)*)(?:\s*(?:,|and|&)\s*[A-Z][\p{L}\-']*(?:\s+[A-Z][\p{L}\-']*)*)*)", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceRegex();

    [GeneratedRegex(@"\s*(?:,|\band\b|&)\s*", RegexOptions.CultureInvariant)]
    private static partial Regex SplitListRegex();

    [GeneratedRegex(@"-?\d+(?:\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex NumberRegex();

    [GeneratedRegex(@"[\p{L}\p{N}_']+", RegexOptions.CultureInvariant)]
    private static partial Regex WordRegex();
}
