using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Definitions;

/// <summary>
/// Invokes one handler: deserialize the input, call user code with the context, serialize the output. Emitted by the
/// generator (or written by hand); no reflection on the invocation path.
/// </summary>
public delegate ValueTask<ReadOnlyMemory<byte>> HandlerInvoker(IHandlerContext context, ReadOnlyMemory<byte> input);
