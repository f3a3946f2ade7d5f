using DurableAgents.Clients;
using DurableAgents.Definitions;
using static DurableAgents.Tests.ObjectsAndWorkflows.OwServices;

namespace DurableAgents.Tests.ObjectsAndWorkflows;

[TestFixture]
[NonParallelizable]
public sealed class CancellationTests : OwFixture
{
    internal override IEnumerable<ServiceDefinition> Services => [OwServices.Tasks()];

    private static CallTarget Tasks(string handler) => CallTarget.ForService("OwTasks", handler);

    private async Task AssertCancelledAsync(string invocationId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var failure = await Assert.ThrowsAsync<RestateIngressException>(() => Ingress.AttachAsync<string>(invocationId, timeout.Token));
        Assert.That(failure!.StatusCode, Is.EqualTo(409), failure.Message);
    }

    [Test]
    public async Task Cancelling_an_invocation_blocked_in_a_sleep_gives_its_caller_409()
    {
        var tag = NewTag("sleep");
        var call = Ingress.CallAsync<string, string>(Tasks("sleepLong"), tag);
        var id = await WaitForAsync(tag + "/id");

        await Admin.CancelInvocationAsync(id);

        var failure = await Assert.ThrowsAsync<RestateIngressException>(() => call);
        Assert.That(failure!.StatusCode, Is.EqualTo(409), failure.Message);
        Assert.That(Runs(tag, "after-sleep"), Is.Zero);
        await AssertCancelledAsync(id);
    }

    [Test]
    public async Task Cancelling_an_invocation_blocked_in_a_call_gives_its_caller_409_and_cancels_the_callee()
    {
        var tag = NewTag("call");
        var call = Ingress.CallAsync<string, string>(Tasks("callSleeper"), tag);
        var callerId = await WaitForAsync(tag + "/caller");
        var calleeId = await WaitForAsync(tag + "-child/id");

        await Admin.CancelInvocationAsync(callerId);

        var failure = await Assert.ThrowsAsync<RestateIngressException>(() => call);
        Assert.That(failure!.StatusCode, Is.EqualTo(409), failure.Message);
        Assert.That(Runs(tag, "after-call"), Is.Zero);

        // The child call is cancelled too (it would otherwise sleep for an hour).
        await AssertCancelledAsync(calleeId);
        Assert.That(Runs(tag + "-child", "after-sleep"), Is.Zero);
    }

    [Test]
    public async Task Cancelling_the_callee_fails_the_blocked_caller_with_409()
    {
        var tag = NewTag("callee");
        var caller = await Ingress.SendAsync(Tasks("callSleeper"), tag);
        var calleeId = await WaitForAsync(tag + "-child/id");

        await Admin.CancelInvocationAsync(calleeId);

        await AssertCancelledAsync(calleeId);
        await AssertCancelledAsync(caller.InvocationId);
        Assert.That(Runs(tag, "after-call"), Is.Zero);
    }

    [Test]
    public async Task A_handler_cancels_another_invocation_with_ctx_CancelInvocation()
    {
        var tag = NewTag("ctx");
        var sleeper = await Ingress.SendAsync(Tasks("sleepLong"), tag);
        await WaitForAsync(tag + "/id");

        Assert.That(await Ingress.CallAsync<string, bool>(Tasks("cancel"), sleeper.InvocationId), Is.True);

        await AssertCancelledAsync(sleeper.InvocationId);
        Assert.That(Runs(tag, "after-sleep"), Is.Zero);
    }
}
