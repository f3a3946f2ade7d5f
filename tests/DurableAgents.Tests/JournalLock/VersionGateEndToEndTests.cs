using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Clients;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using DurableAgents.Tests.FaultInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableAgents.Tests.JournalLock;

/// <summary>
/// The version gate end to end on a real restate-server. An invocation of <see cref="CheckoutV1"/> journals reserve and
/// charge and waits for its approval; the code at the same endpoint address is then replaced by a version 2 that
/// renames the charge step (re-registered with force: the same deployment, so Restate sends the in-flight invocation
/// to the new code). With the gate (<see cref="CheckoutV2Gated"/>) the in-flight invocation replays the old step and
/// completes without a 570 while a new invocation takes the new path; without it (<see cref="CheckoutV2Renamed"/>) the
/// in-flight invocation fails with a journal mismatch.
/// </summary>
/// <remarks>
/// The first test is the whole developer loop: version 1's lock as an update build writes it, the normal build of the
/// renamed version failing with DA4001, the version-gate code fix, and the fixed source compiled with the generator and
/// deployed as is (<see cref="JournalLockToolchain"/>, the shipped generator, analyzer and fixer in memory). The others
/// deploy the hand-written versions in this folder.
/// </remarks>
[TestFixture]
[NonParallelizable]
public sealed class VersionGateEndToEndTests
{
    private const string InFlight = "o-inflight";
    private static readonly CallTarget Process = CallTarget.ForService("Checkout", "process");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [SetUp]
    public void Reset() => CheckoutProbe.Reset();

    [Test]
    public async Task With_the_gate_the_in_flight_invocation_keeps_the_old_step_and_a_new_one_takes_the_new_path()
    {
        await using var server = await StartServerAsync();
        var port = RestateServer.FreePorts(1)[0];
        var (deploymentId, invocationId) = await StartOnVersion1Async(server, port);

        var log = new ServiceLog();
        await using var v2 = await ReplaceCodeAsync(server, port, CheckoutV2Gated.Definition, deploymentId, log);
        await server.Ingress.ResolveAwakeableRawAsync(CheckoutProbe.Awakeables[InFlight], Json("approved"));
        var output = await AttachAsync(server, invocationId);

        Assert.That(output, Is.EqualTo($"\"reserved-{InFlight}|charged-{InFlight}|approved|shipped-{InFlight}\""), Diagnose(log));
        Assert.That(await StepNamesAsync(server, invocationId), Is.EqualTo(new[] { "reserve", "charge", "publish", "ship" }), "the old path, no marker");
        Assert.That(log.Lines, Has.None.Contains("570").And.None.Contains("Journal mismatch"), Diagnose(log));
        var row = await InvocationAsync(server, invocationId);
        Assert.That(row?["status"]?.ToString(), Is.EqualTo("completed"), row?.ToJsonString());
        Assert.That(row?["pinned_deployment_id"]?.ToString(), Is.EqualTo(deploymentId), "the invocation stayed on its deployment, now serving version 2");
        // Version 2 served the resumed invocation (its ship step ran); the steps journaled by version 1 were replayed.
        Assert.That(CheckoutProbe.Events, Is.EqualTo(new[] { "v1 reserve", "v1 charge", "v1 publish", "v2 ship" }));

        // A new invocation on version 2 takes the new path and journals the marker.
        var fresh = await server.Ingress.SendRawAsync(Process, Json("o-new"));
        await WaitForAsync(() => Task.FromResult(CheckoutProbe.Awakeables.ContainsKey("o-new")), "the new invocation to publish its awakeable");
        await server.Ingress.ResolveAwakeableRawAsync(CheckoutProbe.Awakeables["o-new"], Json("approved-new"));
        Assert.That(await AttachAsync(server, fresh.InvocationId), Is.EqualTo("\"reserved-o-new|card-charged-o-new|approved-new|shipped-o-new\""), Diagnose(log));
        Assert.That(await StepNamesAsync(server, fresh.InvocationId), Is.EqualTo(new[] { "reserve", "patch:charge-card", "charge-card", "publish", "ship" }));
        Assert.That(CheckoutProbe.Events.Skip(4), Is.EqualTo(new[] { "v2 reserve", "v2 charge-card", "v2 publish", "v2 ship" }));
        Assert.That(log.Lines, Has.None.Contains("570"), Diagnose(log));
    }

    [Test]
    public async Task The_build_fails_on_the_rename_and_the_code_the_version_gate_fix_writes_keeps_the_in_flight_invocation()
    {
        // Version 1 ships with its lock, as `dotnet build -p:DurableAgentsJournalLock=update` writes it.
        var lockText = JournalLockToolchain.UpdateLock(JournalLockToolchain.ReadVersionSource("CheckoutV1.cs"));
        Assert.That(lockText, Does.Contain("handler Checkout/process").And.Contain("run \"charge\""), lockText);

        await using var server = await StartServerAsync();
        var port = RestateServer.FreePorts(1)[0];
        var (deploymentId, invocationId) = await StartOnVersion1Async(server, port);

        // The developer renames the charge step. The normal build fails: DA4001, an error on the new step.
        var renamed = JournalLockToolchain.ReadVersionSource("CheckoutV2Renamed.cs").Replace("CheckoutV2Renamed", "CheckoutV2Fixed", StringComparison.Ordinal);
        var diagnostics = await JournalLockToolchain.AnalyzeAsync(renamed, lockText);
        var error = diagnostics.SingleOrDefault(d => d.Id == "DA4001");
        Assert.That(error, Is.Not.Null, "no DA4001: " + string.Join("\n", diagnostics));
        Assert.That(error!.Severity, Is.EqualTo(Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        Assert.That(error.GetMessage(), Does.Contain("run \"charge\"").And.Contain("run \"charge-card\""));
        Assert.That(error.Location.SourceTree!.GetText().ToString(error.Location.SourceSpan), Does.Contain("charge-card"), "the error points at the new step");

        // The version-gate fix; the fixed code builds against version 1's lock with no error.
        var fixedSource = await JournalLockToolchain.ApplyFixAsync(renamed, lockText, "DA4001", DurableAgents.CodeFixes.VersionGateFixer.Title, new DurableAgents.CodeFixes.VersionGateFixer());
        Assert.That(fixedSource, Does.Contain("ctx.IsPatched(\"charge-card\")"), fixedSource);
        var afterFix = await JournalLockToolchain.AnalyzeAsync(fixedSource, lockText);
        Assert.That(afterFix.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error), Is.Empty, fixedSource);

        // Deploy exactly the fixed source (compiled with the generator) at version 1's address.
        var fixedDefinition = JournalLockToolchain.CompileAndLoad(fixedSource, "DurableAgents.Tests.JournalLock.CheckoutV2Fixed");
        var log = new ServiceLog();
        await using var v2 = await ReplaceCodeAsync(server, port, fixedDefinition, deploymentId, log);
        await server.Ingress.ResolveAwakeableRawAsync(CheckoutProbe.Awakeables[InFlight], Json("approved"));
        Assert.That(await AttachAsync(server, invocationId), Is.EqualTo($"\"reserved-{InFlight}|charged-{InFlight}|approved|shipped-{InFlight}\""), Diagnose(log));
        Assert.That(await StepNamesAsync(server, invocationId), Is.EqualTo(new[] { "reserve", "charge", "publish", "ship" }), "the old path, no marker");
        Assert.That(CheckoutProbe.Events, Is.EqualTo(new[] { "v1 reserve", "v1 charge", "v1 publish", "v2r ship" }));

        var fresh = await server.Ingress.SendRawAsync(Process, Json("o-new"));
        await WaitForAsync(() => Task.FromResult(CheckoutProbe.Awakeables.ContainsKey("o-new")), "the new invocation to publish its awakeable");
        await server.Ingress.ResolveAwakeableRawAsync(CheckoutProbe.Awakeables["o-new"], Json("approved-new"));
        Assert.That(await AttachAsync(server, fresh.InvocationId), Is.EqualTo("\"reserved-o-new|card-charged-o-new|approved-new|shipped-o-new\""), Diagnose(log));
        Assert.That(await StepNamesAsync(server, fresh.InvocationId), Is.EqualTo(new[] { "reserve", "patch:charge-card", "charge-card", "publish", "ship" }));
        Assert.That(log.Lines, Has.None.Contains("570").And.None.Contains("Journal mismatch"), Diagnose(log));
    }

    [Test]
    public async Task Without_the_gate_the_in_flight_invocation_fails_with_a_journal_mismatch_until_the_gated_code_serves_it()
    {
        await using var server = await StartServerAsync();
        var port = RestateServer.FreePorts(1)[0];
        var (deploymentId, invocationId) = await StartOnVersion1Async(server, port);
        var journalBefore = await StepNamesAsync(server, invocationId);

        var log = new ServiceLog();
        await using (await ReplaceCodeAsync(server, port, CheckoutV2Renamed.Definition, deploymentId, log))
        {
            await server.Ingress.ResolveAwakeableRawAsync(CheckoutProbe.Awakeables[InFlight], Json("approved"));
            JsonObject? row = null;
            await WaitForAsync(async () => (row = await InvocationAsync(server, invocationId))?["last_failure"]?.ToString()?.StartsWith("[570 ", StringComparison.Ordinal) == true,
                "the in-flight invocation to fail with 570");
            Assert.That(row!["last_failure"]?.ToString(),
                Does.Contain("Journal mismatch at command index 2: the journal has RunCommand (name=\"charge\") but the code now performs RunCommand (name=\"charge-card\")"),
                row.ToJsonString());
            Assert.That(row["last_failure_related_command_index"]?.ToString(), Is.EqualTo("2"), row.ToJsonString());
            Assert.That(row["status"]?.ToString(), Is.Not.EqualTo("completed"), row.ToJsonString());
            Assert.That(log.Lines, Has.Some.Contains("[570]").And.Some.Contains("name=\"charge-card\""), "the endpoint logs the mismatch: " + Diagnose(log));
        }

        Assert.That(await StepNamesAsync(server, invocationId), Is.EqualTo(journalBefore), "the failed attempts journaled nothing");
        Assert.That(CheckoutProbe.Events.Where(e => e.StartsWith("v2r ", StringComparison.Ordinal)), Is.Empty, "no step body of the renamed version ran");

        // The gated version at the same address: the invocation that was stuck completes on the old path.
        var gatedLog = new ServiceLog();
        await using (await ReplaceCodeAsync(server, port, CheckoutV2Gated.Definition, deploymentId, gatedLog))
        {
            Assert.That(await AttachAsync(server, invocationId), Is.EqualTo($"\"reserved-{InFlight}|charged-{InFlight}|approved|shipped-{InFlight}\""), Diagnose(gatedLog));
        }

        Assert.That(gatedLog.Lines, Has.None.Contains("570"), Diagnose(gatedLog));
        Assert.That(CheckoutProbe.Events, Is.EqualTo(new[] { "v1 reserve", "v1 charge", "v1 publish", "v2 ship" }));
    }

    /// <summary>A server whose 1 s inactivity timeout lets an attempt parked on the awakeable suspend (so version 1 can stop cleanly).</summary>
    private static Task<RestateServer> StartServerAsync() => RestateServer.StartAsync(new RestateServerOptions
    {
        Environment = new Dictionary<string, string> { ["RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT"] = "1s" },
    });

    /// <summary>
    /// The generated definition of one version, bound alone (not through <c>AddRestateServices</c>, which would bind every
    /// version of the assembly), with quick retries that never give up: the negative control's failing attempts and the
    /// retry after a swap should not wait for the default back-off.
    /// </summary>
    private static ServiceDefinition Deployable(ServiceDefinition generated) => new()
    {
        Name = generated.Name,
        Type = generated.Type,
        Handlers = generated.Handlers,
        JsonTypeInfoResolver = generated.JsonTypeInfoResolver,
        Options = new ServiceOptions
        {
            RetryPolicyInitialInterval = TimeSpan.FromMilliseconds(100),
            RetryPolicyMaxInterval = TimeSpan.FromMilliseconds(300),
            RetryPolicyMaxAttempts = 10_000,
            RetryPolicyOnMaxAttempts = OnMaxAttempts.Pause,
        },
    };

    /// <summary>
    /// Serves version 1 on <paramref name="port"/>, registers it, starts the in-flight invocation and waits until it has
    /// journaled reserve, charge and publish and suspended on its approval; then stops version 1.
    /// </summary>
    private static async Task<(string DeploymentId, string InvocationId)> StartOnVersion1Async(RestateServer server, int port)
    {
        await using var v1 = await RestateHost.StartAsync(port, o => o.Bind(Deployable(CheckoutV1.Definition)));
        var deployment = await server.Admin.RegisterDeploymentAsync(v1.Uri);
        var sent = await server.Ingress.SendRawAsync(Process, Json(InFlight));
        await WaitForAsync(() => Task.FromResult(CheckoutProbe.Awakeables.ContainsKey(InFlight)), "version 1 to publish its awakeable");
        await WaitForAsync(async () => (await InvocationAsync(server, sent.InvocationId))?["status"]?.ToString() == "suspended", "the invocation to suspend on its approval");
        Assert.That(await StepNamesAsync(server, sent.InvocationId), Is.EqualTo(new[] { "reserve", "charge", "publish" }));
        return (deployment.Id, sent.InvocationId);
    }

    /// <summary>
    /// Serves <paramref name="next"/> alone on the address version 1 had and re-registers it with force, checking that
    /// Restate replaced the deployment in place (same id): the invocation pinned to it is sent to the new code.
    /// </summary>
    private static async Task<RestateHost> ReplaceCodeAsync(RestateServer server, int port, ServiceDefinition next, string deploymentId, ServiceLog log)
    {
        var host = await RestateHost.StartAsync(port, o => o.Bind(Deployable(next)), services: s => s.AddSingleton<ILoggerProvider>(log));
        try
        {
            var replaced = await server.Admin.RegisterDeploymentAsync(host.Uri, force: true);
            Assert.That(replaced.Id, Is.EqualTo(deploymentId), "a forced re-registration of the same address replaces the deployment in place");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static ReadOnlyMemory<byte> Json(string text) => Encoding.UTF8.GetBytes("\"" + text + "\"");

    private static async Task<string> AttachAsync(RestateServer server, string invocationId)
        => Encoding.UTF8.GetString(await StepLog.AttachAsync(server.Ingress, invocationId, Patience));

    /// <summary>The names of the invocation's run commands, in journal order.</summary>
    private static async Task<string[]> StepNamesAsync(RestateServer server, string invocationId)
        => (await server.Admin.GetJournalAsync(invocationId)).Where(e => e.EntryType.Contains("Run", StringComparison.Ordinal) && e.Name is not null
            && !e.EntryType.Contains("Notification", StringComparison.Ordinal)).Select(e => e.Name!).ToArray();

    private static async Task<JsonObject?> InvocationAsync(RestateServer server, string invocationId)
    {
        var rows = await server.QueryAsync(
            $"select status, pinned_deployment_id, retry_count, last_failure, last_failure_related_command_index from sys_invocation where id = '{invocationId}'");
        return rows.Count == 0 ? null : rows[0] as JsonObject;
    }

    private static Task WaitForAsync(Func<Task<bool>> condition, string what) => CrashTests.WaitForAsync(condition, Patience, what);

    private static string Diagnose(ServiceLog log) => "events: " + string.Join(", ", CheckoutProbe.Events) + "\nservice log:\n" + log;
}
