using DurableAgents.Definitions;
using static DurableAgents.Tests.ObjectsAndWorkflows.OwServices;

namespace DurableAgents.Tests.ObjectsAndWorkflows;

/// <summary>restate-server is SIGKILLed while a handler sleeps between two steps, and restarted on the same base dir.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ServerCrashTests : OwFixture
{
    internal override IEnumerable<ServiceDefinition> Services => [Tasks()];

    [Test]
    public async Task A_killed_server_resumes_the_invocation_after_restart_and_no_completed_step_runs_twice()
    {
        var tag = NewTag("crash");
        var sent = await Ingress.SendAsync(CallTarget.ForService("OwTasks", "twoSteps"), tag);

        // step1's result is journaled (the await returned), the handler is now in its 3 s durable sleep.
        await WaitForAsync(tag + "/step1-journaled");
        Assert.That(Runs(tag, "step1"), Is.EqualTo(1));
        Assert.That(Runs(tag, "step2"), Is.Zero);

        await Server.KillAsync();
        Assert.That(Server.IsRunning, Is.False);
        await Server.RestartAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.That(await Ingress.AttachAsync<string>(sent.InvocationId, timeout.Token), Is.EqualTo("one-two"));
        Assert.Multiple(() =>
        {
            Assert.That(Runs(tag, "step1"), Is.EqualTo(1), "step1 was journaled before the crash; it must not run again");
            Assert.That(Runs(tag, "step2"), Is.EqualTo(1));
        });
    }
}
