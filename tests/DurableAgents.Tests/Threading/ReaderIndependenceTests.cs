using System.Diagnostics;
using System.IO.Pipelines;
using DurableAgents.Hosting;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.Threading;

/// <summary>
/// A result read from the input resumes the handler on the reader's thread (no thread hand-off per step). That must
/// not make the handler's code block the input: a run closure that computes synchronously for a long time (here: until
/// its token fires) must still see the CANCEL signal that arrives meanwhile, because reading continues elsewhere.
/// </summary>
public sealed class ReaderIndependenceTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task A_synchronous_closure_resumed_by_the_reader_still_observes_a_cancel_signal()
    {
        var spinning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = new TaskCompletionSource<(bool Cancelled, TimeSpan Waited)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = Service("Spin", Handler<string, string>("run", async (ctx, _) =>
        {
            // The first step's completion comes from the input, so the rest of the handler runs on the reader's thread.
            await ctx.RunAsync("first", _ => Task.FromResult(1));
            return await ctx.RunAsync("spin", ct =>
            {
                spinning.TrySetResult();
                var clock = Stopwatch.StartNew();
                while (!ct.IsCancellationRequested && clock.Elapsed < TimeSpan.FromSeconds(10))
                {
                    Thread.SpinWait(1000); // synchronous work: never yields the thread
                }

                observed.TrySetResult((ct.IsCancellationRequested, clock.Elapsed));
                return Task.FromResult("done");
            });
        }));

        var options = new RestateEndpointOptions().Bind(service);
        var input = new Pipe();
        var output = new Pipe();
        await WriteAsync(input.Writer, MessageType.Start, new StartMessage { Id = ByteString.CopyFromUtf8("inv"), DebugId = "inv", KnownEntries = 1 });
        await WriteAsync(input.Writer, MessageType.InputCommand, new InputCommandMessage { Value = new Value { Content = ByteString.CopyFromUtf8("\"x\"") } });

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(25));
        var run = InvocationTransport.RunAsync(input.Reader, output.Writer, service, service.FindHandler("run")!, options.JsonOptions,
            new EmptyServiceProvider(), TimeSpan.FromSeconds(1), null, cts.Token);

        // Answer the first proposal as restate-server would, then send CANCEL while the second closure spins.
        await WaitForAsync(output.Reader, MessageType.ProposeRunCompletion, cts.Token);
        await WriteAsync(input.Writer, MessageType.RunCompletion, new NotificationTemplate { CompletionId = 1, Value = new Value { Content = ByteString.CopyFromUtf8("1") } });
        await spinning.Task.WaitAsync(cts.Token);
        await WriteAsync(input.Writer, MessageType.SignalNotification, new NotificationTemplate { SignalId = 1, Void = new Protocol.Messages.Void() });

        var (cancelled, waited) = await observed.Task.WaitAsync(cts.Token);
        Assert.That(cancelled, Is.True, $"the closure spun {waited.TotalMilliseconds:F0} ms without seeing the CANCEL signal");
        Assert.That(waited, Is.LessThan(TimeSpan.FromSeconds(5)));

        await input.Writer.CompleteAsync();
        _ = DrainAsync(output.Reader);
        await run.WaitAsync(cts.Token);
    }

    private static async Task WriteAsync(PipeWriter writer, MessageType type, IMessage message)
    {
        FrameCodec.WriteFrame(writer, type, message);
        await writer.FlushAsync();
    }

    private static async Task WaitForAsync(PipeReader reader, MessageType wanted, CancellationToken cancellationToken)
    {
        var seen = new List<JournalMessage>();
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            while (FrameCodec.TryReadFrame(ref buffer, out var header, out _))
            {
                if (header.Type == wanted)
                {
                    reader.AdvanceTo(buffer.Start);
                    return;
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                Assert.Fail($"the output ended before a {MessageTypes.Name(wanted)}");
            }
        }
    }

    private static async Task DrainAsync(PipeReader reader)
    {
        while (true)
        {
            var read = await reader.ReadAsync();
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
