using System.Text.Json.Serialization;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Serialization;

namespace DurableAgents.Testing.Tests;

/// <summary>The shipped test harness itself: the server fixture and the journal-level harness, as a user would use them.</summary>
[NonParallelizable]
public sealed class HarnessTests
{
    private static int _executions;

    private static readonly ServiceDefinition Orders = new()
    {
        Name = "Orders",
        Type = ServiceType.Service,
        JsonTypeInfoResolver = HarnessJson.Default,
        Handlers =
        [
            new HandlerDefinition
            {
                Name = "place",
                Invoker = async (ctx, input) =>
                {
                    var item = JsonSerde.Deserialize(input, HarnessJson.Default.String);
                    var reserved = await ctx.RunAsync("reserve", _ =>
                    {
                        Interlocked.Increment(ref _executions);
                        return Task.FromResult($"reserved {item}");
                    }, HarnessJson.Default.String);
                    var charged = await ctx.RunAsync("charge", _ =>
                    {
                        Interlocked.Increment(ref _executions);
                        return Task.FromResult($"{reserved}, charged");
                    }, HarnessJson.Default.String);
                    return JsonSerde.Serialize(charged, HarnessJson.Default.String);
                },
            },
        ],
    };

    [SetUp]
    public void Reset() => _executions = 0;

    [Test]
    public void Free_ports_are_distinct_and_bindable()
    {
        var ports = RestateServer.FreePorts(5);
        Assert.That(ports.Distinct().Count(), Is.EqualTo(5));
        Assert.That(ports, Has.All.InRange(1024, 65535));
    }

    [Test]
    public void The_binary_can_be_overridden_by_environment_variable()
    {
        var previous = Environment.GetEnvironmentVariable("RESTATE_SERVER_BIN");
        try
        {
            Environment.SetEnvironmentVariable("RESTATE_SERVER_BIN", "/nonexistent/restate-server");
            var e = Assert.Throws<FileNotFoundException>(() => RestateServer.FindBinary());
            Assert.That(e!.Message, Does.Contain("/nonexistent/restate-server"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("RESTATE_SERVER_BIN", previous);
        }

        Assert.That(File.Exists(RestateServer.FindBinary()), "found in node_modules after npm ci");
    }

    [Test]
    public async Task The_fixture_starts_a_server_hosts_an_endpoint_and_hands_out_typed_clients()
    {
        await using var server = await RestateServer.StartAsync();
        Assert.That(await server.Admin.IsHealthyAsync(), Is.True);
        await using var host = await RestateHost.StartAsync(0, o => o.Bind(Orders));
        var deployment = await server.Admin.RegisterDeploymentAsync(host.Uri);
        Assert.That(deployment.Services.Select(s => s.Name), Does.Contain("Orders"));

        var result = await server.Ingress.CallAsync(CallTarget.ForService("Orders", "place"), "book", HarnessJson.Default.String, HarnessJson.Default.String);
        Assert.That(result, Is.EqualTo("reserved book, charged"));
        Assert.That(_executions, Is.EqualTo(2));

        var baseDir = server.BaseDirectory;
        await server.DisposeAsync();
        Assert.That(Directory.Exists(baseDir), Is.False, "a fresh base directory is deleted on dispose");
    }

    [Test]
    public async Task The_journal_harness_replays_a_recorded_journal_without_running_steps()
    {
        var journal = new JournalBuilder().Input("\"pen\"").Run("reserve", 1).RunCompletion(1, "\"reserved pen\"").Build();
        var result = await JournalHarness.RunAsync(Orders, "place", journal);
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Suspended), string.Join("\n", result.Messages));
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        Assert.That(_executions, Is.EqualTo(1), "only the unrecorded 'charge' step ran");
    }

    [Test]
    public async Task The_journal_harness_reports_a_reordered_step_before_deploy()
    {
        // Recorded by a build that charged first: the current code reserves first.
        var journal = new JournalBuilder().Input("\"pen\"").Run("charge", 1).RunCompletion(1, "\"charged\"").Build();
        var result = await JournalHarness.RunAsync(Orders, "place", journal);
        Assert.That(result.ErrorCode, Is.EqualTo(570));
        Assert.That(result.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(result.ErrorMessage, Does.Contain("name=\"charge\"").And.Contain("name=\"reserve\""));
        Assert.That(_executions, Is.Zero);
    }
}

[JsonSerializable(typeof(string))]
internal sealed partial class HarnessJson : JsonSerializerContext;
