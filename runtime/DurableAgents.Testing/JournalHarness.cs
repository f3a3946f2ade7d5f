using System.IO.Pipelines;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Testing;

/// <summary>
/// Runs a handler against a journal without a server: the same state machine and context as the HTTP endpoint,
/// fed from bytes. Use it to unit-test replay, and to replay a journal recorded by an older build against new code
/// (a changed step order fails with the 570 journal-mismatch message before deploy).
/// </summary>
public static class JournalHarness
{
    /// <summary>
    /// Runs <paramref name="handler"/> of <paramref name="service"/> with <paramref name="requestBody"/> (Start plus the
    /// known entries, as Restate sends them) and the input closed afterwards (request-response mode): every await the
    /// journal cannot satisfy suspends.
    /// </summary>
    public static async Task<JournalRunResult> RunAsync(ServiceDefinition service, string handler, ReadOnlyMemory<byte> requestBody,
        IServiceProvider? services = null, RestateEndpointOptions? options = null, TimeSpan? timeout = null)
    {
        var definition = service.FindHandler(handler) ?? throw new ArgumentException($"'{service.Name}' has no handler '{handler}'.", nameof(handler));
        options ??= new RestateEndpointOptions().Bind(service);
        var input = new Pipe(new PipeOptions(pauseWriterThreshold: 0)); // the whole journal is written before the reader starts
        var output = new Pipe();
        await input.Writer.WriteAsync(requestBody).ConfigureAwait(false);
        await input.Writer.CompleteAsync().ConfigureAwait(false);

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var collect = ReadAllAsync(output.Reader, cts.Token);
        var outcome = await InvocationTransport.RunAsync(input.Reader, output.Writer, service, definition, options.JsonOptions,
            services ?? EmptyServices.Instance, TimeSpan.FromSeconds(5), null, cts.Token).ConfigureAwait(false);
        await output.Writer.CompleteAsync().ConfigureAwait(false);
        var bytes = await collect.ConfigureAwait(false);
        var messages = Decode(bytes, out var error);
        return new JournalRunResult(outcome, bytes, messages, error);
    }

    /// <summary>Decodes a stream of frames into readable messages.</summary>
    public static IReadOnlyList<JournalMessage> Decode(ReadOnlyMemory<byte> frames) => Decode(frames, out _);

    private static List<JournalMessage> Decode(ReadOnlyMemory<byte> frames, out ErrorMessage? error)
    {
        error = null;
        var list = new List<JournalMessage>();
        var seq = new System.Buffers.ReadOnlySequence<byte>(frames);
        while (FrameCodec.TryReadFrame(ref seq, out var header, out var payload))
        {
            var message = FrameCodec.Decode(header.Type, payload);
            if (message is ErrorMessage e)
            {
                error = e;
            }

            list.Add(new JournalMessage(header.Type, JsonFormatter.Default.Format(message)));
        }

        return list;
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream();
        await reader.CopyToAsync(ms, cancellationToken).ConfigureAwait(false);
        await reader.CompleteAsync().ConfigureAwait(false);
        return ms.ToArray();
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
