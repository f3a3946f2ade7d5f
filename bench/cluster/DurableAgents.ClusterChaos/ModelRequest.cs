namespace DurableAgents.ClusterChaos;

/// <summary>One chat-completions request as the counting model saw it.</summary>
/// <param name="Run">The run marker found in the user message (<c>agent-17</c>), or empty.</param>
/// <param name="Turn">The turn: the number of assistant messages in the request plus one.</param>
/// <param name="Ticks">When it arrived (UTC ticks).</param>
public sealed record ModelRequest(string Run, int Turn, long Ticks);
