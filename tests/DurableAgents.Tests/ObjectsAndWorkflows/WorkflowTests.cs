using DurableAgents.Clients;
using DurableAgents.Definitions;
using static DurableAgents.Tests.ObjectsAndWorkflows.OwServices;

namespace DurableAgents.Tests.ObjectsAndWorkflows;

[TestFixture]
[NonParallelizable]
public sealed class WorkflowTests : OwFixture
{
    internal override IEnumerable<ServiceDefinition> Services => [Approval()];

    private static CallTarget Wf(string key, string handler) => CallTarget.ForWorkflow("OwApproval", key, handler);

    private async Task WaitForStatusAsync(string key, string status)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await Ingress.CallAsync<string, string>(Wf(key, "status"), "") == status)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"workflow {key} never reached status '{status}'");
    }

    [Test]
    public async Task The_run_handler_waits_for_a_promise_resolved_from_outside_then_attach_and_output_return_its_result()
    {
        var key = NewTag("wf");
        var started = await Ingress.SendAsync(Wf(key, "run"), "order-7");
        Assert.That(started.InvocationId, Does.StartWith("inv_"));
        await WaitForStatusAsync(key, "waiting");
        Assert.That(await Ingress.CallAsync<string, string>(Wf(key, "peek"), ""), Is.EqualTo("<pending>"));

        // Not finished yet: the output is not ready.
        await Assert.ThrowsAsync<InvocationNotReadyException>(() => Ingress.GetWorkflowOutputAsync<string>("OwApproval", key));

        Assert.That(await Ingress.CallAsync<string, bool>(Wf(key, "approve"), "yes"), Is.True);
        Assert.That(await Ingress.AttachWorkflowAsync<string>("OwApproval", key), Is.EqualTo("approved order-7:yes"));
        Assert.That(await Ingress.GetWorkflowOutputAsync<string>("OwApproval", key), Is.EqualTo("approved order-7:yes"));
        Assert.That(await Ingress.AttachAsync<string>(started.InvocationId), Is.EqualTo("approved order-7:yes"));
        Assert.That(await Ingress.CallAsync<string, string>(Wf(key, "peek"), ""), Is.EqualTo("value:yes"));
        Assert.That(await Ingress.CallAsync<string, string>(Wf(key, "status"), ""), Is.EqualTo("approved"));
    }

    [Test]
    public async Task A_promise_resolved_before_the_run_awaits_it_is_delivered_at_once()
    {
        var key = NewTag("early");
        Assert.That(await Ingress.CallAsync<string, bool>(Wf(key, "approve"), "early"), Is.True);
        Assert.That(await Ingress.CallAsync<string, string>(Wf(key, "peek"), ""), Is.EqualTo("value:early"));
        Assert.That(await Ingress.CallAsync<string, string>(Wf(key, "run"), "order-8"), Is.EqualTo("approved order-8:early"));
    }

    [Test]
    public async Task A_rejected_promise_fails_the_workflow_with_the_rejection_and_a_second_completion_fails()
    {
        var key = NewTag("reject");
        await Ingress.SendAsync(Wf(key, "run"), "order-9");
        await WaitForStatusAsync(key, "waiting");
        Assert.That(await Ingress.CallAsync<string, bool>(Wf(key, "reject"), "over budget"), Is.True);

        var failure = await Assert.ThrowsAsync<RestateIngressException>(() => Ingress.AttachWorkflowAsync<string>("OwApproval", key));
        Assert.That(failure!.StatusCode, Is.EqualTo(403), failure.Message);
        Assert.That(failure.RestateMessage, Does.Contain("over budget"));

        // Peek sees the failure, and the promise cannot be completed again.
        var peek = await Assert.ThrowsAsync<RestateIngressException>(() => Ingress.CallAsync<string, string>(Wf(key, "peek"), ""));
        Assert.That(peek!.RestateMessage, Does.Contain("over budget"));
        var again = await Assert.ThrowsAsync<RestateIngressException>(() => Ingress.CallAsync<string, bool>(Wf(key, "approve"), "too late"));
        Assert.That(again!.StatusCode, Is.GreaterThanOrEqualTo(400), again.Message);
        Assert.That(await Ingress.CallAsync<string, string>(Wf(key, "status"), ""), Is.EqualTo("waiting"));
    }
}
