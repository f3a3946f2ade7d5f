using System.Buffers;
using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>
/// Handlers with the names and shapes of the services that produced the captured vectors (Greeter, Counter, Raw,
/// CsRaw), so mutated captures reach real handler code: runs, sleeps, awakeables, calls, state, random, failures.
/// </summary>
internal static class FuzzServices
{
    public static ServiceDefinition Greeter { get; } = Service("Greeter",
        Handler<string, string>("greet", async (ctx, name) =>
        {
            var a = await ctx.RunAsync("step1", _ => Task.FromResult($"hello-{name}"));
            await ctx.SleepAsync(TimeSpan.FromMilliseconds(100));
            return await ctx.RunAsync("step2", _ => Task.FromResult($"{a}-done"));
        }),
        Handler<string?, string>("retryOnce", async (ctx, _) => await ctx.RunAsync("flaky", _ => Task.FromResult("ok-after-retry"))),
        Handler<string?, string>("awake", async (ctx, _) =>
        {
            var awakeable = ctx.Awakeable<string>();
            await ctx.RunAsync("publish", _ => Task.FromResult(awakeable.Id));
            return $"got {await awakeable.Value}";
        }),
        Handler<string, int>("callCounter", async (ctx, key) =>
        {
            var v = await ctx.CallAsync<int, int>(CallTarget.ForObject("Counter", key, "add"), 5);
            ctx.Send(CallTarget.ForObject("Counter", key, "add"), 1);
            return v;
        }),
        Handler<string?, string>("mismatch", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromMilliseconds(10));
            return "x";
        }),
        Handler<string?, int>("rand", async (ctx, _) =>
        {
            var r = ctx.Random.Next(1000);
            return await ctx.RunAsync("r", _ => Task.FromResult(r));
        }),
        Handler<string, string>("fail", (_, name) => throw new TerminalException($"bad name {name}", 409)));

    public static ServiceDefinition Counter { get; } = Object("Counter",
        Exclusive<int, int>("add", async (ctx, delta) =>
        {
            var next = await ctx.GetAsync<int>("count") + delta;
            ctx.Set("count", next);
            return next;
        }, type: null),
        Shared<string?, int>("get", async (ctx, _) => await ctx.GetAsync<int>("count")),
        Exclusive<int, int>("set", (ctx, v) =>
        {
            ctx.Set("count", v);
            return Task.FromResult(v);
        }, type: null));

    public static ServiceDefinition Raw { get; } = RawLike("Raw");

    public static ServiceDefinition CsRaw { get; } = RawLike("CsRaw");

    private static ServiceDefinition RawLike(string name) => new()
    {
        Name = name,
        Type = ServiceType.Service,
        JsonTypeInfoResolver = TestJsonContext.Default,
        Handlers =
        [
            new HandlerDefinition { Name = "echo", InputContentType = "*/*", Invoker = (_, input) => ValueTask.FromResult(input) },
            new HandlerDefinition
            {
                Name = "sleepy", InputContentType = "*/*",
                Invoker = async (ctx, input) =>
                {
                    await ctx.SleepAsync(TimeSpan.FromMilliseconds(200));
                    return input;
                },
            },
            new HandlerDefinition { Name = "boom", InputContentType = "*/*", Invoker = (_, _) => throw new InvalidOperationException("boom") },
        ],
    };

    public static IEnumerable<ServiceDefinition> All => [Greeter, Counter, Raw, CsRaw];

    public static ServiceDefinition ByName(string name) => All.First(s => s.Name == name);
}

/// <summary>What a response body (frames written by the endpoint) amounts to.</summary>
internal readonly record struct AttemptOutcome(string Kind, int? ErrorCode, string Detail)
{
    public bool IsClear => Kind is "End" or "Suspension" || (Kind == "Error" && ErrorCode is 500 or 570 or 571);

    public string Label => Kind == "Error" ? $"Error {ErrorCode}" : Kind;

    /// <summary>
    /// Decodes <paramref name="body"/>: it must be whole frames that end with exactly one terminal message (End,
    /// Suspension or Error) and nothing after it.
    /// </summary>
    public static AttemptOutcome Of(byte[] body)
    {
        var seq = new ReadOnlySequence<byte>(body);
        var frames = new List<(MessageType Type, Google.Protobuf.IMessage Message)>();
        try
        {
            while (FrameCodec.TryReadFrame(ref seq, out var header, out var payload))
            {
                frames.Add((header.Type, FrameCodec.Decode(header.Type, payload)));
            }
        }
        catch (ProtocolViolationException e)
        {
            return new("Garbled", null, "the endpoint wrote an undecodable frame: " + e.Message);
        }

        if (seq.Length != 0)
        {
            return new("Garbled", null, $"{seq.Length} trailing bytes after the last frame");
        }

        var terminals = frames.Where(f => f.Type is MessageType.End or MessageType.Suspension or MessageType.Error).ToList();
        if (terminals.Count != 1 || frames[^1].Type != terminals[0].Type)
        {
            return new("NoTerminal", null, $"{terminals.Count} terminal messages; sequence {string.Join(",", frames.Select(f => f.Type))}");
        }

        return frames[^1].Message switch
        {
            ErrorMessage e => new("Error", (int)e.Code, e.Message),
            SuspensionMessage => new("Suspension", null, ""),
            _ => new("End", null, ""),
        };
    }
}
