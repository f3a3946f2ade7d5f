using System.Text.Json.Serialization;
using DurableAgents.Definitions;
using DurableAgents.Serialization;

namespace DurableAgents.Tests;

/// <summary>Hand-written service definitions (what the generator emits), shared by the end-to-end tests.</summary>
internal static class TestServices
{
    public static HandlerDefinition Handler<TIn, TOut>(string name, Func<IHandlerContext, TIn, Task<TOut>> body, HandlerType? type = null)
        => new()
        {
            Name = name,
            Type = type,
            Invoker = async (ctx, input) =>
            {
                var request = JsonSerde.Deserialize(input, JsonSerde.TypeInfo<TIn>(ctx.JsonOptions));
                var result = await body(ctx, request).ConfigureAwait(false);
                return JsonSerde.Serialize(result, JsonSerde.TypeInfo<TOut>(ctx.JsonOptions));
            },
        };

    /// <summary>An exclusive Virtual Object handler: its context is an <see cref="IObjectContext"/>.</summary>
    public static HandlerDefinition Exclusive<TIn, TOut>(string name, Func<IObjectContext, TIn, Task<TOut>> body, HandlerType? type = HandlerType.Exclusive)
        => Handler<TIn, TOut>(name, (ctx, input) => body((IObjectContext)ctx, input), type);

    /// <summary>A shared Virtual Object handler: its context is an <see cref="ISharedObjectContext"/>.</summary>
    public static HandlerDefinition Shared<TIn, TOut>(string name, Func<ISharedObjectContext, TIn, Task<TOut>> body)
        => Handler<TIn, TOut>(name, (ctx, input) => body((ISharedObjectContext)ctx, input), HandlerType.Shared);

    /// <summary>A Workflow's run handler: its context is an <see cref="IWorkflowContext"/>.</summary>
    public static HandlerDefinition WorkflowRun<TIn, TOut>(string name, Func<IWorkflowContext, TIn, Task<TOut>> body)
        => Handler<TIn, TOut>(name, (ctx, input) => body((IWorkflowContext)ctx, input), HandlerType.Workflow);

    /// <summary>A shared Workflow handler: its context is an <see cref="ISharedWorkflowContext"/>.</summary>
    public static HandlerDefinition SharedWorkflow<TIn, TOut>(string name, Func<ISharedWorkflowContext, TIn, Task<TOut>> body)
        => Handler<TIn, TOut>(name, (ctx, input) => body((ISharedWorkflowContext)ctx, input), HandlerType.Shared);

    public static ServiceDefinition Service(string name, params HandlerDefinition[] handlers)
        => new() { Name = name, Type = ServiceType.Service, Handlers = handlers, JsonTypeInfoResolver = TestJsonContext.Default };

    public static ServiceDefinition Object(string name, params HandlerDefinition[] handlers)
        => new() { Name = name, Type = ServiceType.VirtualObject, Handlers = handlers, JsonTypeInfoResolver = TestJsonContext.Default };

    public static ServiceDefinition Workflow(string name, params HandlerDefinition[] handlers)
        => new() { Name = name, Type = ServiceType.Workflow, Handlers = handlers, JsonTypeInfoResolver = TestJsonContext.Default };
}

public sealed record Order(string Id, int Quantity, decimal Price);

public sealed record WeatherReport(string City, int TemperatureC);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(WeatherReport))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}
