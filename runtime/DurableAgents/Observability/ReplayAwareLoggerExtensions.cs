using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableAgents.Observability;

/// <summary>Wraps any logger so it stays silent while a durable invocation replays.</summary>
public static class ReplayAwareLoggerExtensions
{
    /// <summary>A logger that drops entries while <paramref name="context"/> replays (e.g. an injected <c>ILogger&lt;T&gt;</c>).</summary>
    public static ILogger ReplayAware(this ILogger logger, IContext context) => new ReplayAwareLogger(logger, context);
}
