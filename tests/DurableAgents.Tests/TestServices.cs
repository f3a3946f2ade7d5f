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
