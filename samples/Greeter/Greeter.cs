using System.Text.Json.Serialization;
using DurableAgents;

namespace Greeter;

/// <summary>
/// A durable greeter: two journaled steps around a durable timer. If the process dies after step 1, Restate
/// re-invokes the handler elsewhere and the journal replays: step 1 is not executed again.
/// </summary>
[Service]
public sealed partial class GreeterService
{
    /// <summary>How often each step body really ran in this process (the demo prints it).</summary>
    public static int StepExecutions;

    [Handler]
    public static async Task<Greeting> GreetAsync(IContext context, GreetRequest request)
    {
        var hello = await context.RunAsync("compose", _ =>
        {
            Interlocked.Increment(ref StepExecutions);
            return Task.FromResult($"Hello, {request.Name}!");
        });

        await context.SleepAsync(TimeSpan.FromMilliseconds(request.PauseMilliseconds));

        var stamped = await context.RunAsync("stamp", _ =>
        {
            Interlocked.Increment(ref StepExecutions);
            return Task.FromResult(new Greeting(hello, context.InvocationId));
        });
        return stamped;
    }
}

public sealed record GreetRequest(string Name, int PauseMilliseconds = 200);

public sealed record Greeting(string Message, string InvocationId);

[JsonSerializable(typeof(GreetRequest))]
[JsonSerializable(typeof(Greeting))]
internal sealed partial class GreeterJson : JsonSerializerContext;
