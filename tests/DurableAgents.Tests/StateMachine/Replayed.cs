using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;

namespace DurableAgents.Tests.StateMachine;

/// <summary>The outcome and the decoded output of one attempt, with typed accessors for assertions.</summary>
internal sealed class Replayed(InvocationOutcome outcome, IReadOnlyList<OutputFrame> frames)
{
    public InvocationOutcome Outcome { get; } = outcome;

    public IReadOnlyList<OutputFrame> Frames { get; } = frames;

    public MessageType[] Types => Frames.Select(f => f.Type).ToArray();

    public T At<T>(int index) where T : IMessage
    {
        Assert.That(Frames, Has.Count.GreaterThan(index), ToString());
        return Frames[index].As<T>();
    }

    /// <summary>The only message of type <typeparamref name="T"/>.</summary>
    public T Single<T>() where T : IMessage
    {
        var matches = Frames.Where(f => f.Message is T).ToList();
        Assert.That(matches, Has.Count.EqualTo(1), $"exactly one {typeof(T).Name} in: {this}");
        return (T)matches[0].Message;
    }

    public IEnumerable<T> All<T>() where T : IMessage => Frames.Select(f => f.Message).OfType<T>();

    /// <summary>The handler's successful output (UTF-8 JSON), asserting it ended with Output + End.</summary>
    public string OutputJson
    {
        get
        {
            AssertEnded();
            var output = Single<OutputCommandMessage>();
            Assert.That(output.ResultCase, Is.EqualTo(OutputCommandMessage.ResultOneofCase.Value), ToString());
            return output.Value.Content.ToStringUtf8();
        }
    }

    /// <summary>The handler's terminal failure, asserting it ended with Output(failure) + End.</summary>
    public Failure OutputFailure
    {
        get
        {
            AssertEnded();
            var output = Single<OutputCommandMessage>();
            Assert.That(output.ResultCase, Is.EqualTo(OutputCommandMessage.ResultOneofCase.Failure), ToString());
            return output.Failure;
        }
    }

    /// <summary>The final ErrorMessage, asserting the attempt failed with it as the last frame.</summary>
    public ErrorMessage Error
    {
        get
        {
            Assert.That(Outcome, Is.EqualTo(InvocationOutcome.Failed), ToString());
            Assert.That(Frames, Is.Not.Empty);
            return Frames[^1].As<ErrorMessage>();
        }
    }

    /// <summary>The final Suspension, asserting the attempt suspended with it as the last frame.</summary>
    public SuspensionMessage Suspension
    {
        get
        {
            Assert.That(Outcome, Is.EqualTo(InvocationOutcome.Suspended), ToString());
            Assert.That(Frames, Is.Not.Empty);
            return Frames[^1].As<SuspensionMessage>();
        }
    }

    private void AssertEnded()
    {
        Assert.That(Outcome, Is.EqualTo(InvocationOutcome.Ended), ToString());
        Assert.That(Frames, Has.Count.GreaterThanOrEqualTo(2), ToString());
        Assert.That(Frames[^1].Type, Is.EqualTo(MessageType.End), ToString());
        Assert.That(Frames[^2].Type, Is.EqualTo(MessageType.OutputCommand), ToString());
    }

    public override string ToString() => $"{Outcome}: " + string.Join(" | ", Frames);
}
