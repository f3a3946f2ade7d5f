using System.Text.Json.Serialization;
using DurableAgents;

namespace DurableService1;

/// <summary>
/// A Restate Service: stateless, any number of concurrent invocations. Every <c>RunAsync</c> step is journaled, so a
/// retry after a crash replays finished steps from the journal instead of running them again.
/// Call it with <c>POST {ingress}/Greeter/greet</c> and <c>{"name":"Ada"}</c>.
/// </summary>
[Service]
public sealed partial class Greeter
{
    [Handler]
    public static async Task<Greeting> GreetAsync(IContext context, GreetRequest request)
    {
        var message = await context.RunAsync("compose", _ => Task.FromResult($"Hello, {request.Name}!"));
        return new Greeting(message);
    }
}

/// <summary>The greeting's input.</summary>
public sealed record GreetRequest(string Name);

/// <summary>The greeting's output.</summary>
public sealed record Greeting(string Message);

/// <summary>System.Text.Json metadata for the handler types (no reflection: Native AOT works).</summary>
[JsonSerializable(typeof(GreetRequest))]
[JsonSerializable(typeof(Greeting))]
internal sealed partial class GreeterJson : JsonSerializerContext;
