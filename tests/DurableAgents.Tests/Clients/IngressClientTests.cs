using System.Diagnostics;
using System.Text;
using DurableAgents.Clients;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using static DurableAgents.Tests.Clients.ClientTestServices;

namespace DurableAgents.Tests.Clients;

[TestFixture]
[NonParallelizable]
public sealed class IngressClientTests
{
    private RestateServer _server = null!;
    private RestateHost _host = null!;
    private HttpClient _ingressHttp = null!;
    private HttpClient _adminHttp = null!;
    private IngressClient _ingress = null!;
    private AdminClient _admin = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await RestateServer.StartAsync();
        _host = await RestateHost.StartAsync(0, o => o.Bind(ClientTestServices.Greeter()).Bind(Counter()).Bind(Signup()));
        _ingressHttp = new HttpClient { BaseAddress = _server.IngressUri, Timeout = TimeSpan.FromSeconds(60) };
        _adminHttp = new HttpClient { BaseAddress = _server.AdminUri, Timeout = TimeSpan.FromSeconds(60) };
        _ingress = new IngressClient(_ingressHttp);
        _admin = new AdminClient(_adminHttp);
        await _admin.RegisterDeploymentAsync(_host.Uri);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _ingressHttp.Dispose();
        _adminHttp.Dispose();
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static CallTarget Greeter(string handler) => CallTarget.ForService("ClientGreeter", handler);

    [Test]
    public async Task Call_a_service_handler_typed_and_raw()
    {
        var typed = await _ingress.CallAsync<string, string>(Greeter("greet"), "world");
        Assert.That(typed, Is.EqualTo("hello world"));

        var (body, invocationId) = await _ingress.CallWithIdAsync(Greeter("greet"), "\"raw\""u8.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(body), Is.EqualTo("\"hello raw\""));
            Assert.That(invocationId, Does.StartWith("inv_"));
        });
    }

    [Test]
    public async Task Call_with_a_key_reaches_the_virtual_object_instance_and_its_state()
    {
        var alice = NewTag("alice");
        var bob = NewTag("bob");
        Assert.That(await _ingress.CallAsync<int, int>(CallTarget.ForObject("ClientCounter", alice, "add"), 5), Is.EqualTo(5));
        Assert.That(await _ingress.CallAsync<int, int>(CallTarget.ForObject("ClientCounter", alice, "add"), 2), Is.EqualTo(7));
        Assert.That(await _ingress.CallAsync<int, int>(CallTarget.ForObject("ClientCounter", bob, "add"), 1), Is.EqualTo(1));

        // A shared handler without input: an empty body.
        var raw = await _ingress.CallRawAsync(CallTarget.ForObject("ClientCounter", alice, "get"), ReadOnlyMemory<byte>.Empty);
        Assert.That(Encoding.UTF8.GetString(raw), Is.EqualTo("7"));

        // A handler that declares no input: no body and no Content-Type (Restate answers 400 to a Content-Type there).
        var peeked = await _ingress.CallRawAsync(CallTarget.ForObject("ClientCounter", alice, "peek"), ReadOnlyMemory<byte>.Empty);
        Assert.That(Encoding.UTF8.GetString(peeked), Is.EqualTo("7"));
        var sent = await _ingress.SendRawAsync(CallTarget.ForObject("ClientCounter", bob, "peek"), ReadOnlyMemory<byte>.Empty);
        Assert.That(Encoding.UTF8.GetString(await _ingress.AttachRawAsync(sent.InvocationId)), Is.EqualTo("1"));
    }

    [Test]
    public async Task Keys_are_url_escaped()
    {
        const string key = "a b/c?d#e%f ü";
        var echoed = await _ingress.CallAsync<string, string>(CallTarget.ForObject("ClientCounter", key, "whoami"), "");
        Assert.That(echoed, Is.EqualTo(key));
    }

    [Test]
    public async Task Headers_reach_the_handler()
    {
        var value = await _ingress.CallAsync<string, string>(Greeter("header"), "x-client-test",
            new IngressCallOptions { Headers = new Dictionary<string, string> { ["x-client-test"] = "42" } });
        Assert.That(value, Is.EqualTo("42"));
    }

    [Test]
    public async Task Send_with_a_delay_runs_the_handler_after_the_delay()
    {
        var tag = NewTag("delayed");
        var delay = TimeSpan.FromMilliseconds(1500);
        var sentAt = DateTimeOffset.UtcNow;
        var sent = await _ingress.SendAsync(Greeter("record"), tag, new IngressSendOptions { Delay = delay });
        Assert.Multiple(() =>
        {
            Assert.That(sent.InvocationId, Does.StartWith("inv_"));
            Assert.That(sent.Status, Is.EqualTo("Accepted"));
            Assert.That(sent.ExecutionTime, Is.Not.Null);
        });
        Assert.That(sent.ExecutionTime!.Value - sentAt, Is.GreaterThan(delay - TimeSpan.FromMilliseconds(200)).And.LessThan(delay + TimeSpan.FromSeconds(5)));
        Assert.That(Recorded.ContainsKey(tag), Is.False, "the handler ran before the delay");

        // Attach waits for the delayed invocation to run and returns its output.
        Assert.That(await _ingress.AttachAsync<string>(sent.InvocationId), Is.EqualTo(tag));
        var ranAfter = Recorded[tag] - sentAt;
        Assert.That(ranAfter, Is.GreaterThanOrEqualTo(delay - TimeSpan.FromMilliseconds(100)).And.LessThan(delay + TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task Send_without_delay_has_no_execution_time()
    {
        var tag = NewTag("now");
        var sent = await _ingress.SendRawAsync(Greeter("record"), Encoding.UTF8.GetBytes($"\"{tag}\""));
        Assert.That(sent.ExecutionTime, Is.Null);
        Assert.That(await _ingress.AttachAsync<string>(sent.InvocationId), Is.EqualTo(tag));
    }

    [Test]
    public async Task Idempotency_key_runs_the_handler_once_and_answers_the_same_invocation()
    {
        var tag = NewTag("idem");
        var key = NewTag("key");
        var options = new IngressCallOptions { IdempotencyKey = key };
        var first = await _ingress.CallWithIdAsync<string, int>(Greeter("count"), tag, options);
        var second = await _ingress.CallWithIdAsync<string, int>(Greeter("count"), tag, options);
        Assert.Multiple(() =>
        {
            Assert.That(first.Response, Is.EqualTo(1));
            Assert.That(second.Response, Is.EqualTo(1));
            Assert.That(first.InvocationId, Does.StartWith("inv_"));
            Assert.That(second.InvocationId, Is.EqualTo(first.InvocationId));
            Assert.That(Counts[tag], Is.EqualTo(1), "the side effect ran more than once");
        });

        // Attach by idempotency key, and a repeated idempotent send, find the same invocation.
        Assert.That(await _ingress.AttachIdempotentAsync<int>(Greeter("count"), key), Is.EqualTo(1));
        Assert.That(await _ingress.GetIdempotentOutputAsync<int>(Greeter("count"), key), Is.EqualTo(1));
        var resent = await _ingress.SendAsync(Greeter("count"), tag, new IngressSendOptions { IdempotencyKey = key });
        Assert.Multiple(() =>
        {
            Assert.That(resent.InvocationId, Is.EqualTo(first.InvocationId));
            Assert.That(resent.Status, Is.EqualTo("PreviouslyAccepted"));
            Assert.That(Counts[tag], Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Output_of_a_running_invocation_is_not_ready_then_attach_and_output_return_the_result()
    {
        var tag = NewTag("attach");
        var sent = await _ingress.SendAsync(Greeter("awaitAwakeable"), tag);
        var (invocationId, awakeableId) = await WaitForAwakeableAsync(tag);
        Assert.That(invocationId, Is.EqualTo(sent.InvocationId));

        var notReady = await Assert.ThrowsAsync<InvocationNotReadyException>(() => _ingress.GetOutputAsync<string>(sent.InvocationId));
        Assert.That(notReady!.StatusCode, Is.EqualTo(InvocationNotReadyException.NotReadyStatusCode));

        var attach = _ingress.AttachAsync<string>(sent.InvocationId);
        await Task.Delay(200);
        Assert.That(attach.IsCompleted, Is.False, "attach returned before the invocation finished");

        await _ingress.ResolveAwakeableAsync(awakeableId, "resolved!");
        Assert.That(await attach, Is.EqualTo("resolved!"));
        Assert.That(await _ingress.GetOutputAsync<string>(sent.InvocationId), Is.EqualTo("resolved!"));
        Assert.That(Encoding.UTF8.GetString(await _ingress.GetOutputRawAsync(sent.InvocationId)), Is.EqualTo("\"resolved!\""));
    }

    [Test]
    public async Task Awakeable_resolved_through_the_ingress_completes_the_call()
    {
        var tag = NewTag("resolve");
        var call = _ingress.CallAsync<string, string>(Greeter("awaitAwakeable"), tag);
        var (_, awakeableId) = await WaitForAwakeableAsync(tag);
        Assert.That(awakeableId, Does.StartWith("sign_"));
        await _ingress.ResolveAwakeableAsync(awakeableId, "value from outside");
        Assert.That(await call, Is.EqualTo("value from outside"));
    }

    [Test]
    public async Task Awakeable_rejected_through_the_ingress_fails_the_call()
    {
        var tag = NewTag("reject");
        var call = _ingress.CallAsync<string, string>(Greeter("awaitAwakeable"), tag);
        var (invocationId, awakeableId) = await WaitForAwakeableAsync(tag);
        await _ingress.RejectAwakeableAsync(awakeableId, "nope, rejected");
        var e = await Assert.ThrowsAsync<RestateIngressException>(() => call);
        Assert.Multiple(() =>
        {
            Assert.That(e!.StatusCode, Is.EqualTo(500));
            Assert.That(e.Code, Is.EqualTo(500));
            Assert.That(e.RestateMessage, Does.Contain("nope, rejected"));
            Assert.That(e.InvocationId, Is.EqualTo(invocationId));
        });
    }

    [Test]
    public async Task Unknown_service_is_an_ingress_error()
    {
        var e = await Assert.ThrowsAsync<RestateIngressException>(() => _ingress.CallAsync<string, string>(CallTarget.ForService("Nope", "x"), "a"));
        Assert.Multiple(() =>
        {
            Assert.That(e!.StatusCode, Is.EqualTo(404));
            Assert.That(e.Code, Is.EqualTo(404));
            Assert.That(e.Source, Is.EqualTo("ingress"));
            Assert.That(e.RestateMessage, Does.Contain("Nope"));
            Assert.That(e, Is.Not.InstanceOf<InvocationNotReadyException>());
        });
    }

    [Test]
    public async Task Terminal_failure_keeps_its_code_as_status()
    {
        var e = await Assert.ThrowsAsync<RestateIngressException>(() => _ingress.CallAsync<string, string>(Greeter("fail"), "zed"));
        Assert.Multiple(() =>
        {
            Assert.That(e!.StatusCode, Is.EqualTo(409));
            Assert.That(e.Code, Is.EqualTo(409));
            Assert.That(e.RestateMessage, Is.EqualTo("bad name zed"));
            Assert.That(e.Source, Is.EqualTo("invocation"));
            Assert.That(e.InvocationId, Does.StartWith("inv_"));
            Assert.That(e.Message, Does.Contain("bad name zed"));
        });
    }

    [Test]
    public async Task Workflow_attach_and_output()
    {
        var key = NewTag("wf");
        var sent = await _ingress.SendAsync(CallTarget.ForWorkflow("ClientSignup", key, "run"), "a@b.c");
        Assert.That(sent.InvocationId, Does.StartWith("inv_"));
        Assert.That(await _ingress.AttachWorkflowAsync<string>("ClientSignup", key), Is.EqualTo($"user-{key}:a@b.c"));
        Assert.That(await _ingress.GetWorkflowOutputAsync<string>("ClientSignup", key), Is.EqualTo($"user-{key}:a@b.c"));
        Assert.That(Encoding.UTF8.GetString(await _ingress.AttachWorkflowRawAsync("ClientSignup", key)), Is.EqualTo($"\"user-{key}:a@b.c\""));
    }

    [Test]
    public async Task Cancel_of_an_invocation_blocked_in_an_awakeable_fails_its_caller_with_409()
    {
        var tag = NewTag("cancel");
        var call = _ingress.CallAsync<string, string>(Greeter("awaitAwakeable"), tag);
        var (invocationId, _) = await WaitForAwakeableAsync(tag);
        await _admin.CancelInvocationAsync(invocationId);
        var e = await Assert.ThrowsAsync<RestateIngressException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Multiple(() =>
        {
            Assert.That(e!.StatusCode, Is.EqualTo(409));
            Assert.That(e.Code, Is.EqualTo(409));
            Assert.That(e.InvocationId, Is.EqualTo(invocationId));
        });
    }

    [Test]
    public async Task Kill_of_an_invocation_fails_its_caller_and_purge_forgets_it()
    {
        var tag = NewTag("kill");
        var call = _ingress.CallAsync<string, string>(Greeter("awaitAwakeable"), tag);
        var (invocationId, _) = await WaitForAwakeableAsync(tag);
        await _admin.KillInvocationAsync(invocationId);
        var e = await Assert.ThrowsAsync<RestateIngressException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.That(e!.StatusCode, Is.EqualTo(409));

        await _admin.PurgeInvocationAsync(invocationId);
        var gone = await Assert.ThrowsAsync<RestateIngressException>(() => _ingress.GetOutputAsync<string>(invocationId));
        Assert.That(gone!.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public async Task Admin_errors_for_unknown_invocations()
    {
        var e = await Assert.ThrowsAsync<RestateAdminException>(() => _admin.CancelInvocationAsync("inv_1abc"));
        Assert.That(e!.StatusCode, Is.EqualTo(400));
    }
}
