using System.IO.Pipelines;

namespace DurableAgents.Hosting.Edge;

/// <summary>A connection's transport with its input replaced by the metered one.</summary>
internal sealed class GuardedDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
