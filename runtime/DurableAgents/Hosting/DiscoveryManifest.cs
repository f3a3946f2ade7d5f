using System.Buffers;
using System.Text.Json;
using DurableAgents.Definitions;

namespace DurableAgents.Hosting;

/// <summary>Builds the endpoint manifest returned by <c>GET /discover</c> (schema v1–v4, only fields the version knows).</summary>
public static class DiscoveryManifest
{
    public const int MinProtocolVersion = 6;
    public const int MaxProtocolVersion = 6;
    public const int MaxManifestVersion = 4;

    public static string ContentType(int version) => $"application/vnd.restate.endpointmanifest.v{version}+json";

    /// <summary>
    /// Picks the highest manifest version listed in <paramref name="accept"/> that we support, or null when none is.
    /// A missing header means any version (the newest).
    /// </summary>
    public static int? NegotiateVersion(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return MaxManifestVersion;
        }

        int? best = null;
        foreach (var part in accept.Split(','))
        {
            var media = part.Split(';')[0].Trim();
            const string prefix = "application/vnd.restate.endpointmanifest.v";
            if (media.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(media.AsSpan(prefix.Length, media.Length - prefix.Length - 5), out var v) && v is >= 1 and <= MaxManifestVersion)
            {
                best = best is null ? v : Math.Max(best.Value, v);
            }
            else if (media is "*/*" or "application/*" or "application/json")
            {
                best ??= MaxManifestVersion;
            }
        }

        return best;
    }

    public static byte[] Build(IReadOnlyList<ServiceDefinition> services, ProtocolMode mode, int version)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("protocolMode", mode == ProtocolMode.BidiStream ? "BIDI_STREAM" : "REQUEST_RESPONSE");
            w.WriteNumber("minProtocolVersion", MinProtocolVersion);
            w.WriteNumber("maxProtocolVersion", MaxProtocolVersion);
            w.WriteStartArray("services");
            foreach (var s in services)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name);
                w.WriteString("ty", s.Type switch
                {
                    ServiceType.Service => "SERVICE",
                    ServiceType.VirtualObject => "VIRTUAL_OBJECT",
                    _ => "WORKFLOW",
                });
                w.WriteStartArray("handlers");
                foreach (var h in s.Handlers)
                {
                    WriteHandler(w, s, h, version);
                }

                w.WriteEndArray();
                WriteOptions(w, s.Options, version, isWorkflowRun: false);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteHandler(Utf8JsonWriter w, ServiceDefinition s, HandlerDefinition h, int version)
    {
        w.WriteStartObject();
        w.WriteString("name", h.Name);
        if (s.Type != ServiceType.Service)
        {
            var ty = h.Type ?? (s.Type == ServiceType.Workflow ? HandlerType.Workflow : HandlerType.Exclusive);
            w.WriteString("ty", ty switch
            {
                HandlerType.Exclusive => "EXCLUSIVE",
                HandlerType.Shared => "SHARED",
                _ => "WORKFLOW",
            });
        }

        w.WriteStartObject("input");
        if (h.InputContentType is { } inType)
        {
            w.WriteBoolean("required", h.InputRequired);
            w.WriteString("contentType", inType);
            WriteSchema(w, h.InputJsonSchema);
        }

        w.WriteEndObject();

        w.WriteStartObject("output");
        if (h.OutputContentType is { } outType)
        {
            w.WriteBoolean("setContentTypeIfEmpty", false);
            w.WriteString("contentType", outType);
            WriteSchema(w, h.OutputJsonSchema);
        }
        else
        {
            w.WriteBoolean("setContentTypeIfEmpty", false);
        }

        w.WriteEndObject();
        WriteOptions(w, h.Options, version, isWorkflowRun: h.Type == HandlerType.Workflow || (s.Type == ServiceType.Workflow && h.Type is null));
        w.WriteEndObject();
    }

    private static void WriteSchema(Utf8JsonWriter w, string? schema)
    {
        if (!string.IsNullOrWhiteSpace(schema))
        {
            w.WritePropertyName("jsonSchema");
            using var doc = JsonDocument.Parse(schema);
            doc.RootElement.WriteTo(w);
        }
    }

    private static void WriteOptions(Utf8JsonWriter w, ServiceOptions? o, int version, bool isWorkflowRun)
    {
        if (o is null)
        {
            return;
        }

        if (version >= 2)
        {
            if (o.Documentation is { } doc) w.WriteString("documentation", doc);
            if (o.Metadata is { Count: > 0 } md)
            {
                w.WriteStartObject("metadata");
                foreach (var (k, v) in md.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
            }
        }

        if (version >= 3)
        {
            WriteMs(w, "inactivityTimeout", o.InactivityTimeout);
            WriteMs(w, "abortTimeout", o.AbortTimeout);
            WriteMs(w, "journalRetention", o.JournalRetention);
            if (!isWorkflowRun) WriteMs(w, "idempotencyRetention", o.IdempotencyRetention);
            if (o is HandlerOptions ho && isWorkflowRun) WriteMs(w, "workflowCompletionRetention", ho.WorkflowCompletionRetention);
            if (o.EnableLazyState is { } lazy) w.WriteBoolean("enableLazyState", lazy);
            if (o.IngressPrivate is { } priv) w.WriteBoolean("ingressPrivate", priv);
        }

        if (version >= 4)
        {
            WriteMs(w, "retryPolicyInitialInterval", o.RetryPolicyInitialInterval);
            WriteMs(w, "retryPolicyMaxInterval", o.RetryPolicyMaxInterval);
            if (o.RetryPolicyMaxAttempts is { } a) w.WriteNumber("retryPolicyMaxAttempts", a);
            if (o.RetryPolicyExponentiationFactor is { } f) w.WriteNumber("retryPolicyExponentiationFactor", f);
            if (o.RetryPolicyOnMaxAttempts is { } on) w.WriteString("retryPolicyOnMaxAttempts", on == OnMaxAttempts.Kill ? "KILL" : "PAUSE");
        }
    }

    private static void WriteMs(Utf8JsonWriter w, string name, TimeSpan? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, (long)v.TotalMilliseconds);
        }
    }
}
