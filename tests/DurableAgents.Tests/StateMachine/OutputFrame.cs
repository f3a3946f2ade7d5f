using DurableAgents.Protocol;
using Google.Protobuf;

namespace DurableAgents.Tests.StateMachine;

/// <summary>One decoded protocol message (a frame the handler sent, or one of a recorded request).</summary>
internal sealed record OutputFrame(MessageType Type, IMessage Message, ushort Flags = 0)
{
    /// <summary>The message as <typeparamref name="T"/>; fails the test when it is another message type.</summary>
    public T As<T>() where T : IMessage
    {
        Assert.That(Message, Is.InstanceOf<T>(), $"expected {typeof(T).Name}, got {this}");
        return (T)Message;
    }

    public override string ToString() => $"{MessageTypes.Name(Type)} {JsonFormatter.Default.Format(Message)}";
}
