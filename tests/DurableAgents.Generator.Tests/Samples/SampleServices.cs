
using System.Text.Json.Serialization;

namespace DurableAgents.Generator.Tests.Samples;

// These classes are compiled by the real toolchain: the DurableAgents generator and the System.Text.Json generator
// both run on this project (warnings are errors), and the tests call the generated code directly.

public sealed record GreetRequest(string Name, int Times = 1);

public sealed record GreetResponse(string Message);

/// <summary>A service with an instance handler resolved from DI, a static handler and a no-input handler.</summary>
[Service]
public partial class Greeter(GreetingFormatter formatter)
{
    [Handler]
    public Task<GreetResponse> GreetAsync(IContext context, GreetRequest request)
        => Task.FromResult(new GreetResponse(formatter.Format(request.Name, request.Times) + " (" + context.InvocationId + ")"));

    [Handler("shout")]
    public static ValueTask<string> Loud(string text) => ValueTask.FromResult(text.ToUpperInvariant());

    [Handler]
    public static Task<int> CountAsync() => Task.FromResult(42);

    [Handler]
    public static Task FailAsync(GreetRequest request) => throw new TerminalException("no " + request.Name, 409);
}

public sealed class GreetingFormatter
{
    public string Format(string name, int times) => string.Concat(Enumerable.Repeat("Hello " + name + "!", times));
}

/// <summary>A Virtual Object with exclusive and shared handlers.</summary>
[VirtualObject("counter")]
public partial class Counter
{
    [Handler]
    public static async Task<long> AddAsync(IObjectContext context, long delta)
    {
        var value = await context.GetAsync<long>("value") + delta;
        context.Set("value", value);
        return value;
    }

    [SharedHandler]
    public static async Task<long> GetAsync(ISharedObjectContext context) => await context.GetAsync<long>("value");

    [Handler]
    public static Task Reset(IObjectContext context)
    {
        context.ClearAll();
        return Task.CompletedTask;
    }
}

public sealed record SignupInput(string Email);

/// <summary>A Workflow: one run handler plus a shared handler; it also calls the counter through the context client.</summary>
[Workflow]
public partial class Signup
{
    [Handler]
    public static async Task<long> RunAsync(IWorkflowContext context, SignupInput input)
    {
        var counter = new CounterContextClient(context, input.Email);
        counter.SendReset();
        return await counter.AddAsync(1);
    }

    [SharedHandler]
    public static Task<string> Status(ISharedWorkflowContext context) => Task.FromResult("running:" + context.Key);
}

public enum Depth
{
    Shallow,
    Deep,
}

/// <summary>An agent with tools (the agent loop itself belongs to the runtime).</summary>
[DurableAgent("researcher")]
public partial class ResearchAgent
{
    public int Calls { get; private set; }

    /// <summary>Searches the web.</summary>
    /// <param name="query">What to search for.</param>
    [DurableTool]
    public Task<string[]> SearchWebAsync(string query, int limit = 2, CancellationToken cancellationToken = default)
    {
        Calls++;
        return Task.FromResult(Enumerable.Range(1, limit).Select(i => query + "#" + i).ToArray());
    }

    [DurableTool("add", Description = "Adds two integers.")]
    public static int Add([System.ComponentModel.Description("The first addend.")] int a, int b) => a + b;

    [DurableTool]
    public void Forget(Depth depth = Depth.Deep) => Calls += depth == Depth.Deep ? 10 : 1;
}

/// <summary>The JSON metadata of the handler and tool types (System.Text.Json source generation, AOT-safe).</summary>
[JsonSerializable(typeof(GreetRequest))]
[JsonSerializable(typeof(GreetResponse))]
[JsonSerializable(typeof(SignupInput))]
[JsonSerializable(typeof(Depth))]
internal partial class SampleJsonContext : JsonSerializerContext;
