using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Testing;

namespace DurableAgents.Tests.StateMachine;

/// <summary>
/// Drives one invocation attempt in bidirectional mode over two pipes: initial frames in, then more frames while the
/// handler runs, the input closed when the test says so, and the decoded output read message by message.
/// This is the only file of the state-machine suites that touches the runtime's internals (<see cref="InvocationTransport"/>):
/// re-point <see cref="Start(ServiceDefinition, string, ReadOnlyMemory{byte})"/> at another state machine and every
/// interleaved test follows.
/// </summary>
internal sealed class BidiDriver : IAsyncDisposable
{
    /// <summary>How long a test waits for an expected message (generous: the machine is shared and loaded).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly Pipe _input = new();
    private readonly Pipe _output = new();
    private readonly Channel<OutputFrame> _frames = Channel.CreateUnbounded<OutputFrame>();
    private readonly List<OutputFrame> _received = [];
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(90));
    private Task<InvocationOutcome> _run = null!;
    private Task _collect = null!;
    private bool _inputClosed;

    private BidiDriver()
    {
    }

    /// <summary>Every message read so far with <see cref="NextAsync"/>.</summary>
    public IReadOnlyList<OutputFrame> Received => _received;

    public static Task<BidiDriver> StartAsync(ServiceDefinition service, string handler, JournalBuilder journal) => StartAsync(service, handler, journal.Build());

    public static async Task<BidiDriver> StartAsync(ServiceDefinition service, string handler, ReadOnlyMemory<byte> initialFrames)
    {
        var driver = Start(service, handler, ReadOnlyMemory<byte>.Empty);
        await driver.SendAsync(initialFrames);
        return driver;
    }

    private static BidiDriver Start(ServiceDefinition service, string handler, ReadOnlyMemory<byte> initialFrames)
    {
        var definition = service.FindHandler(handler) ?? throw new ArgumentException($"'{service.Name}' has no handler '{handler}'.", nameof(handler));
        var options = new RestateEndpointOptions().Bind(service);
        var driver = new BidiDriver();
        driver._collect = driver.CollectAsync();
        driver._run = Task.Run(async () =>
        {
            try
            {
                return await InvocationTransport.RunAsync(driver._input.Reader, driver._output.Writer, service, definition, options.JsonOptions,
                    NoServices.Instance, TimeSpan.FromSeconds(10), null, driver._cts.Token);
            }
            finally
            {
                await driver._output.Writer.CompleteAsync();
            }
        });
        return driver;
    }

    /// <summary>Sends frames (e.g. <see cref="JournalBuilder.BuildEntries"/>) as Restate would while the handler runs.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> frames)
    {
        if (frames.Length > 0)
        {
            await _input.Writer.WriteAsync(frames);
        }
    }

    /// <summary>Sends the entries of <paramref name="entries"/> (no StartMessage).</summary>
    public Task SendAsync(JournalBuilder entries) => SendAsync(entries.BuildEntries());

    /// <summary>Closes the request body (what Restate does after the inactivity timeout, or after our final message).</summary>
    public async Task CloseInputAsync()
    {
        if (!_inputClosed)
        {
            _inputClosed = true;
            await _input.Writer.CompleteAsync();
        }
    }

    /// <summary>The next message the handler sent; fails the test if none arrives within the timeout.</summary>
    public async Task<OutputFrame> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            if (await _frames.Reader.WaitToReadAsync(cts.Token) && _frames.Reader.TryRead(out var frame))
            {
                _received.Add(frame);
                return frame;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no message within {timeout ?? DefaultTimeout}; received so far: {string.Join(" | ", _received)}");
        }

        Assert.Fail($"the output ended; received: {string.Join(" | ", _received)}");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>The next message, asserting its type.</summary>
    public async Task<OutputFrame> NextAsync(MessageType expected, TimeSpan? timeout = null)
    {
        var frame = await NextAsync(timeout);
        Assert.That(frame.Type, Is.EqualTo(expected), $"received: {string.Join(" | ", _received)}");
        return frame;
    }

    /// <summary>True when no message arrives within <paramref name="wait"/> (the output stays quiet).</summary>
    public async Task<bool> QuietForAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return !await _frames.Reader.WaitToReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>Closes the input, waits for the attempt to end and returns its outcome and the messages not read yet.</summary>
    public async Task<(InvocationOutcome Outcome, IReadOnlyList<OutputFrame> Unread)> FinishAsync()
    {
        await CloseInputAsync();
        var outcome = await _run.WaitAsync(DefaultTimeout);
        await _collect.WaitAsync(DefaultTimeout);
        var rest = new List<OutputFrame>();
        while (_frames.Reader.TryRead(out var frame))
        {
            rest.Add(frame);
            _received.Add(frame);
        }

        return (outcome, rest);
    }

    /// <summary>Closes the input and returns everything the attempt sent, as a <see cref="Replayed"/>.</summary>
    public async Task<Replayed> ResultAsync()
    {
        var (outcome, _) = await FinishAsync();
        return new Replayed(outcome, _received.ToList());
    }

    private async Task CollectAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync();
                var buffer = read.Buffer;
                while (FrameCodec.TryReadFrame(ref buffer, out var header, out var payload))
                {
                    _frames.Writer.TryWrite(new OutputFrame(header.Type, FrameCodec.Decode(header.Type, payload), header.Flags));
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseInputAsync();
        try
        {
            await _run.WaitAsync(DefaultTimeout);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await _cts.CancelAsync();
        }

        _cts.Dispose();
    }

    private sealed class NoServices : IServiceProvider
    {
        public static readonly NoServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
