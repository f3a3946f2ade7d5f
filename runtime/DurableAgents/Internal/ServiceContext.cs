namespace DurableAgents.Internal;

/// <summary>The context of a Service handler: <see cref="IContext"/> only (no key, no state, no promises).</summary>
internal sealed class ServiceContext(InvocationCore core) : InvocationContext(core);
