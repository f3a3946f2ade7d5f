using System.Text.Json;
using System.Text.Json.Serialization;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Serialization;

// Usage: DurableAgents.CrashService <port> <side-effect-log> [block-at-step]
// Handler Crash/steps {"count":N}: N sequential RunAsync steps; every executed step body appends "run <i>" to the
// log (the side effect we count). With block-at-step k, step k appends "block <k>" and hangs, so the test can
// SIGKILL the process while that step is in flight.
var port = int.Parse(args[0]);
var log = args[1];
var blockAt = args.Length > 2 ? int.Parse(args[2]) : -1;

var steps = new HandlerDefinition
{
    Name = "steps",
    Invoker = async (ctx, input) =>
    {
        var request = JsonSerde.Deserialize(input, CrashJson.Default.StepsRequest);
        var total = 0;
        for (var i = 1; i <= request.Count; i++)
        {
            var step = i;
            total += await ctx.RunAsync($"step{step}", async ct =>
            {
                if (step == blockAt)
                {
                    await File.AppendAllTextAsync(log, $"block {step}\n", ct);
                    await Task.Delay(Timeout.Infinite, ct);
                }

                await File.AppendAllTextAsync(log, $"run {step}\n", ct);
                return step;
            }, CrashJson.Default.Int32);
        }

        return JsonSerde.Serialize(total, CrashJson.Default.Int32);
    },
};

await using var host = await RestateHost.StartAsync(port, o => o.Bind(new ServiceDefinition
{
    Name = "Crash",
    Type = ServiceType.Service,
    Handlers = [steps],
    JsonTypeInfoResolver = CrashJson.Default,
}));
Console.WriteLine($"listening {host.Port}");
await Task.Delay(Timeout.Infinite);

internal sealed record StepsRequest(int Count);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StepsRequest))]
[JsonSerializable(typeof(int))]
internal sealed partial class CrashJson : JsonSerializerContext;
