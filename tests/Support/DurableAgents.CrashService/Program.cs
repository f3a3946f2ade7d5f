using System.Text.Json;
using System.Text.Json.Serialization;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Serialization;

// Usage: DurableAgents.CrashService <port> <side-effect-log> [block-at-step] [step-log-directory]
// Handler Crash/steps {"count":N}: N sequential RunAsync steps; every executed step body appends "run <i>" to the
// log (the side effect we count). With block-at-step k, step k appends "block <k>" and hangs, so the test can
// SIGKILL the process while that step is in flight.
// Handler Crash/multi {"n":id,"steps":N,"sleepAfter":k,"sleepMs":t} (fault-injection suite): N steps that each take
// 20-200 ms, with a durable sleep after step k. Per-invocation log <step-log-directory>/inv-<id>.log: "run <i>" when
// step i's body starts, "acked <i>" each time the handler gets step i's journaled result (also on replay). Step i
// returns id*100+i; the output is the sum.
var port = int.Parse(args[0]);
var log = args[1];
var blockAt = args.Length > 2 ? int.Parse(args[2]) : -1;
var stepLogs = args.Length > 3 ? args[3] : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(log))!, "steps");

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

var multi = new HandlerDefinition
{
    Name = "multi",
    Invoker = async (ctx, input) =>
    {
        var request = JsonSerde.Deserialize(input, CrashJson.Default.MultiRequest);
        Directory.CreateDirectory(stepLogs);
        var file = Path.Combine(stepLogs, $"inv-{request.N}.log");
        var total = 0L;
        for (var i = 1; i <= request.Steps; i++)
        {
            var step = i;
            total += await ctx.RunAsync($"step{step}", async ct =>
            {
                await File.AppendAllTextAsync(file, $"run {step}\n", ct);
                await Task.Delay(20 + (request.N * 31 + step * 57) % 180, ct);
                return request.N * 100L + step;
            }, CrashJson.Default.Int64);
            await File.AppendAllTextAsync(file, $"acked {step}\n");
            if (step == request.SleepAfter)
            {
                await ctx.SleepAsync(TimeSpan.FromMilliseconds(request.SleepMs));
            }
        }

        return JsonSerde.Serialize(total, CrashJson.Default.Int64);
    },
};

await using var host = await RestateHost.StartAsync(port, o => o.Bind(new ServiceDefinition
{
    Name = "Crash",
    Type = ServiceType.Service,
    Handlers = [steps, multi],
    JsonTypeInfoResolver = CrashJson.Default,
    // Restate retries an attempt cut short by a kill after 100 ms (growing to 1 s), not the default 500 ms to 1 min.
    Options = new ServiceOptions
    {
        RetryPolicyInitialInterval = TimeSpan.FromMilliseconds(100),
        RetryPolicyMaxInterval = TimeSpan.FromSeconds(1),
        RetryPolicyExponentiationFactor = 2.0,
        RetryPolicyMaxAttempts = 10_000,
        RetryPolicyOnMaxAttempts = OnMaxAttempts.Pause,
    },
}));
Console.WriteLine($"listening {host.Port}");
await Task.Delay(Timeout.Infinite);

internal sealed record StepsRequest(int Count);

internal sealed record MultiRequest(int N, int Steps, int SleepAfter, int SleepMs);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StepsRequest))]
[JsonSerializable(typeof(MultiRequest))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
internal sealed partial class CrashJson : JsonSerializerContext;
