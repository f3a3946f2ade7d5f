using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Workflow durable promises: GetPromise, PeekPromise, CompletePromise and their completions.</summary>
public sealed class PromiseTests
{
    private static readonly ServiceDefinition Signup = Workflow("Signup",
        WorkflowRun<string, string>("run", async (ctx, email) =>
        {
            ctx.Set("email", email);
            var code = await ctx.Promise<string>("code");
            return $"{email} confirmed with {code}";
        }),
        WorkflowRun<string, string>("runCatching", async (ctx, _) =>
        {
            try
            {
                return await ctx.Promise<string>("code").GetAsync();
            }
            catch (TerminalException e)
            {
                return $"failed {e.Code} {e.Message}";
            }
        }),
        SharedWorkflow<string, string>("peek", async (ctx, _) =>
        {
            var p = await ctx.Promise<string>("code").PeekAsync();
            return p.Exists ? "has " + p.Value : "none";
        }),
        SharedWorkflow<string, string>("confirm", async (ctx, code) =>
        {
            await ctx.Promise<string>("code").ResolveAsync(code);
            return "ok";
        }),
        SharedWorkflow<string, string>("deny", async (ctx, reason) =>
        {
            await ctx.Promise<string>("code").RejectAsync(reason, 403);
            return "denied";
        }),
        SharedWorkflow<string, string>("confirmCatching", async (ctx, code) =>
        {
            try
            {
                await ctx.Promise<string>("code").ResolveAsync(code);
                return "ok";
            }
            catch (TerminalException e)
            {
                return $"refused {e.Code} {e.Message}";
            }
        }));

    private static JournalBuilder Wf() => new JournalBuilder(key: "wf-1").State(new Dictionary<string, string>());

    [Test]
    public async Task Awaiting_a_promise_journals_get_promise_and_suspends_on_it()
    {
        var r = await Replay.RunAsync(Signup, "run", Wf().Input("\"a@b.c\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SetStateCommand, MessageType.GetPromiseCommand, MessageType.Suspension }));
        var get = r.At<GetPromiseCommandMessage>(1);
        Assert.That((get.Key, get.ResultCompletionId), Is.EqualTo(("code", 1u)));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public async Task A_journaled_promise_value_is_returned()
    {
        var r = await Replay.RunAsync(Signup, "run", Wf().Input("\"a@b.c\"").SetState("email", "\"a@b.c\"").GetPromise("code", 1).GetPromiseCompletion(1, "\"1234\""));
        Assert.That(r.OutputJson, Is.EqualTo("\"a@b.c confirmed with 1234\""));
    }

    [Test]
    public async Task A_journaled_promise_failure_is_thrown()
    {
        var r = await Replay.RunAsync(Signup, "runCatching", Wf().Input("null").GetPromise("code", 1).GetPromiseFailure(1, 403, "denied by admin"));
        Assert.That(r.OutputJson, Is.EqualTo("\"failed 403 denied by admin\""));
    }

    [Test]
    public async Task Peek_journals_peek_promise_and_a_void_completion_means_not_completed()
    {
        var first = await Replay.RunAsync(Signup, "peek", Wf().Input("null"));
        Assert.That(first.Types, Is.EqualTo(new[] { MessageType.PeekPromiseCommand, MessageType.Suspension }));
        Assert.That((first.At<PeekPromiseCommandMessage>(0).Key, first.At<PeekPromiseCommandMessage>(0).ResultCompletionId), Is.EqualTo(("code", 1u)));
        var none = await Replay.RunAsync(Signup, "peek", Wf().Input("null").PeekPromise("code", 1).PeekPromiseCompletion(1, null));
        Assert.That(none.OutputJson, Is.EqualTo("\"none\""));
        var has = await Replay.RunAsync(Signup, "peek", Wf().Input("null").PeekPromise("code", 1).PeekPromiseCompletion(1, "\"9\""));
        Assert.That(has.OutputJson, Is.EqualTo("\"has 9\""));
    }

    [Test]
    public async Task Resolving_journals_complete_promise_with_the_value_and_waits_for_its_acknowledgement()
    {
        var r = await Replay.RunAsync(Signup, "confirm", Wf().Input("\"1234\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.CompletePromiseCommand, MessageType.Suspension }));
        var cmd = r.At<CompletePromiseCommandMessage>(0);
        Assert.That(cmd.Key, Is.EqualTo("code"));
        Assert.That(cmd.ResultCompletionId, Is.EqualTo(1));
        Assert.That(cmd.CompletionCase, Is.EqualTo(CompletePromiseCommandMessage.CompletionOneofCase.CompletionValue));
        Assert.That(cmd.CompletionValue.Content.ToStringUtf8(), Is.EqualTo("\"1234\""));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public async Task Rejecting_journals_complete_promise_with_the_failure()
    {
        var r = await Replay.RunAsync(Signup, "deny", Wf().Input("\"spam\""));
        var cmd = r.At<CompletePromiseCommandMessage>(0);
        Assert.That(cmd.CompletionCase, Is.EqualTo(CompletePromiseCommandMessage.CompletionOneofCase.CompletionFailure));
        Assert.That((cmd.CompletionFailure.Code, cmd.CompletionFailure.Message), Is.EqualTo((403u, "spam")));
    }

    [Test]
    public async Task An_acknowledged_completion_replays_to_the_output()
    {
        var r = await Replay.RunAsync(Signup, "confirm", Wf().Input("\"1234\"").ResolvePromise("code", "\"1234\"", 1).CompletePromiseCompletion(1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputJson, Is.EqualTo("\"ok\""));
    }

    [Test]
    public async Task Completing_an_already_completed_promise_fails_with_restates_failure()
    {
        var r = await Replay.RunAsync(Signup, "confirmCatching", Wf().Input("\"1234\"").ResolvePromise("code", "\"1234\"", 1)
            .CompletePromiseFailure(1, 409, "promise already completed"));
        Assert.That(r.OutputJson, Is.EqualTo("\"refused 409 promise already completed\""));
    }

    [Test]
    public async Task Resolving_with_another_value_than_journaled_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Signup, "confirm", Wf().Input("\"5678\"").ResolvePromise("code", "\"1234\"", 1).CompletePromiseCompletion(1));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.CompletePromiseCommand));
        Assert.That(r.Error.Message, Does.Contain("promise=\"code\""));
    }

    [Test]
    public async Task Bidi_the_promise_completion_resumes_the_workflow()
    {
        await using var d = await BidiDriver.StartAsync(Signup, "run", Wf().Input("\"a@b.c\""));
        await d.NextAsync(MessageType.SetStateCommand);
        await d.NextAsync(MessageType.GetPromiseCommand);
        await d.SendAsync(new JournalBuilder().GetPromiseCompletion(1, "\"42\""));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("\"a@b.c confirmed with 42\""));
        await d.NextAsync(MessageType.End);
    }
}
