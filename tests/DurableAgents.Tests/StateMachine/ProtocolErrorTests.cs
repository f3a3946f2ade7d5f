using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Hostile or broken input: every violation ends the attempt with exactly one Error 571 and runs no user code.</summary>
public sealed class ProtocolErrorTests
{
    private static int _executions;

    private static readonly ServiceDefinition Svc = Service("Proto",
        Handler<string, string>("step", async (ctx, input) =>
        {
            Interlocked.Increment(ref _executions);
            return await ctx.RunAsync("a", _ => Task.FromResult(input));
        }),
        Handler<int, int>("number", (_, n) => Task.FromResult(n + 1)),
        Handler<string, string>("nap", async (ctx, _) =>
        {
            Interlocked.Increment(ref _executions);
            await ctx.SleepAsync(TimeSpan.FromMinutes(1));
            return "awake";
        }));

    [SetUp]
    public void Reset() => _executions = 0;

    private static async Task<Replayed> AssertViolation(byte[] body, string messagePart)
    {
        var r = await Replay.RunAsync(Svc, "step", body);
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }), r.ToString());
        Assert.That(r.Error.Code, Is.EqualTo(571));
        Assert.That(r.Error.Message, Does.Contain(messagePart));
        Assert.That(_executions, Is.Zero, "no handler code runs on a protocol violation");
        return r;
    }

    [Test]
    public Task A_first_message_that_is_not_start_is_a_violation()
        => AssertViolation(Wire.Concat(Wire.Frame(MessageType.InputCommand, Wire.Input("\"x\"")), Wire.Frame(MessageType.Start, Wire.Start(1))), "expected StartMessage");

    [Test]
    public Task Known_entries_zero_is_a_violation()
        => AssertViolation(Wire.Concat(Wire.Frame(MessageType.Start, Wire.Start(0)), Wire.Frame(MessageType.InputCommand, Wire.Input("\"x\""))), "known_entries is 0");

    [Test]
    public Task A_journal_that_does_not_begin_with_the_input_is_a_violation()
        => AssertViolation(Wire.Concat(Wire.Frame(MessageType.Start, Wire.Start(2)), Wire.Frame(MessageType.RunCommand, new RunCommandMessage { Name = "a", ResultCompletionId = 1 }),
            Wire.Frame(MessageType.InputCommand, Wire.Input("\"x\""))), "expected InputCommand");

    [Test]
    public Task A_control_message_among_the_journal_entries_is_a_violation()
        => AssertViolation(Wire.Concat(Wire.Frame(MessageType.Start, Wire.Start(2)), Wire.Frame(MessageType.InputCommand, Wire.Input("\"x\"")), Wire.Frame(MessageType.End, null)),
            "unexpected End");

    [Test]
    public Task A_custom_message_type_is_a_violation()
        => AssertViolation(new JournalBuilder().Input("\"x\"").Build(Wire.RawFrame(0xFC00, 0, [])), "unknown message type 0xFC00");

    [Test]
    public Task A_v7_only_message_is_a_violation_of_the_v6_protocol()
        => AssertViolation(new JournalBuilder().Input("\"x\"").Build(Wire.RawFrame(0x0007, 2, [0x08, 0x01])), "0x0007");

    [Test]
    public Task A_truncated_frame_header_is_a_violation()
        => AssertViolation(new JournalBuilder().Input("\"x\"").Build([0x04, 0x11, 0x00, 0x00]), "inside a frame");

    [Test]
    public Task A_truncated_payload_is_a_violation()
        => AssertViolation(new JournalBuilder().Input("\"x\"").Build(Wire.RawFrame(0x0411, 20, [0x5A, 0x01, 0x61])), "inside a frame");

    [Test]
    public Task A_malformed_protobuf_payload_is_a_violation()
        => AssertViolation(Wire.Concat(Wire.Frame(MessageType.Start, Wire.Start(1)), Wire.RawFrame(0x0400, 3, [0xFF, 0xFF, 0xFF])), "malformed InputCommand");

    [Test]
    public async Task A_frame_longer_than_the_message_size_limit_is_refused_from_its_header()
    {
        var r = await AssertViolation(new JournalBuilder().Input("\"x\"").Build(Wire.RawFrame(0x8011, FrameCodec.MaxMessageSize + 1, [])), "exceeds");
        Assert.That(r.Error.Message, Does.Contain(FrameCodec.MaxMessageSize.ToString()));
    }

    [Test]
    public Task A_notification_without_an_id_in_the_journal_is_a_violation()
        => AssertViolation(Wire.Concat(Wire.Frame(MessageType.Start, Wire.Start(2)), Wire.Frame(MessageType.InputCommand, Wire.Input("\"x\"")),
            Wire.Frame(MessageType.RunCompletion, new NotificationTemplate { Value = new Value { Content = ByteString.CopyFromUtf8("1") } })), "without an id");

    [Test]
    public Task An_input_closed_before_all_known_entries_arrived_is_a_violation()
        => AssertViolation(Wire.Concat(Wire.Frame(MessageType.Start, Wire.Start(3)), Wire.Frame(MessageType.InputCommand, Wire.Input("\"x\""))), "2 known journal entries still missing");

    [Test]
    public Task An_empty_request_body_is_a_violation()
        => AssertViolation([], "before the StartMessage");

    [Test]
    public Task A_journal_of_only_notifications_is_a_violation()
        => AssertViolation(Wire.Concat(Wire.Frame(MessageType.Start, Wire.Start(1)),
            Wire.Frame(MessageType.SleepCompletion, new NotificationTemplate { CompletionId = 1, Void = new Protocol.Messages.Void() })), "no InputCommand");

    [Test]
    public async Task Bidi_a_command_after_the_known_entries_is_a_violation()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "nap", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.SleepCommand);
        await d.SendAsync(Wire.Frame(MessageType.RunCommand, new RunCommandMessage { Name = "injected", ResultCompletionId = 9 }));
        var error = (await d.NextAsync(MessageType.Error)).As<ErrorMessage>();
        Assert.That(error.Code, Is.EqualTo(571));
        Assert.That(error.Message, Does.Contain("after the known journal entries"));
        Assert.That((await d.FinishAsync()).Outcome, Is.EqualTo(InvocationOutcome.Failed));
    }

    [Test]
    public async Task Bidi_a_live_notification_without_an_id_is_a_violation()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "nap", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.SleepCommand);
        await d.SendAsync(Wire.Frame(MessageType.SleepCompletion, new NotificationTemplate { Void = new Protocol.Messages.Void() }));
        Assert.That((await d.NextAsync(MessageType.Error)).As<ErrorMessage>().Code, Is.EqualTo(571));
    }

    [Test]
    public async Task Bidi_a_server_only_control_message_from_the_server_side_is_a_violation()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "nap", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.SleepCommand);
        await d.SendAsync(Wire.Frame(MessageType.Suspension, new SuspensionMessage { WaitingCompletions = { 1 } }));
        var error = (await d.NextAsync(MessageType.Error)).As<ErrorMessage>();
        Assert.That(error.Code, Is.EqualTo(571));
        Assert.That(error.Message, Does.Contain("Suspension"));
    }

    [Test]
    public async Task Bidi_a_command_ack_is_ignored()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "nap", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.SleepCommand);
        await d.SendAsync(Wire.Concat(Wire.Frame(MessageType.CommandAck, new CommandAckMessage { CommandIndex = 1 }), new JournalBuilder().SleepCompletion(1).BuildEntries()));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("\"awake\""));
        await d.NextAsync(MessageType.End);
    }

    [Test]
    public async Task Bidi_nothing_is_written_after_the_error_whatever_arrives_next()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "nap", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.SleepCommand);
        await d.SendAsync(Wire.RawFrame(0xFC01, 0, []));
        Assert.That((await d.NextAsync(MessageType.Error)).As<ErrorMessage>().Code, Is.EqualTo(571));
        await d.SendAsync(new JournalBuilder().SleepCompletion(1).Cancel().BuildEntries());
        var (outcome, unread) = await d.FinishAsync();
        Assert.That(outcome, Is.EqualTo(InvocationOutcome.Failed));
        Assert.That(unread, Is.Empty);
    }
    [Test]
    public async Task A_huge_known_entries_count_with_a_short_body_is_a_violation_not_an_allocation()
    {
        var r = await AssertViolation(Wire.Concat(Wire.Frame(MessageType.Start, Wire.Start(uint.MaxValue)), Wire.Frame(MessageType.InputCommand, Wire.Input("\"x\""))),
            "still missing");
        Assert.That(r.Error.Message, Does.Contain((uint.MaxValue - 1).ToString()));
    }

    [Test]
    public async Task An_input_that_is_not_valid_json_for_the_handler_is_a_terminal_400()
    {
        var r = await Replay.RunAsync(Svc, "number", new JournalBuilder().Input("{not json"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputFailure.Code, Is.EqualTo(400));
    }

    [Test]
    public async Task An_empty_input_for_a_handler_that_requires_one_is_a_terminal_400()
    {
        var r = await Replay.RunAsync(Svc, "number", new JournalBuilder().Input(""));
        Assert.That(r.OutputFailure.Code, Is.EqualTo(400));
        Assert.That(r.OutputFailure.Message, Does.Contain("no body"));
    }

    [Test]
    public async Task A_repeated_completion_keeps_the_first_result()
    {
        var body = new JournalBuilder().Input("\"x\"").Run("a", 1).RunCompletion(1, "\"first\"").RunCompletion(1, "\"second\"").Build();
        var r = await Replay.RunAsync(Svc, "step", body);
        Assert.That(r.OutputJson, Is.EqualTo("\"first\""));
    }

    [Test]
    public async Task Bidi_an_unawaited_named_signal_is_stored_without_disturbing_the_handler()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "nap", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.SleepCommand);
        await d.SendAsync(new JournalBuilder().NamedSignalValue("approved", "true").SleepCompletion(1));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("\"awake\""));
        await d.NextAsync(MessageType.End);
    }
}
