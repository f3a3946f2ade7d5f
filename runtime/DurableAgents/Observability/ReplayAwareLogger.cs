using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableAgents.Observability;

/// <summary>
/// An <see cref="ILogger"/> that drops entries while its invocation replays journaled commands, so a line logged
/// before a suspension or crash is not logged again by every later attempt. Get one from <see cref="IContext.Logger"/>
/// or wrap your own with <see cref="ReplayAwareLoggerExtensions.ReplayAware"/>.
/// </summary>
public sealed class ReplayAwareLogger : ILogger
{
    private readonly ILogger _inner;
    private readonly IContext _context;

    public ReplayAwareLogger(ILogger inner, IContext context)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(context);
        _inner = inner;
        _context = context;
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => !_context.IsReplaying && _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!_context.IsReplaying)
        {
            _inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    /// <summary>The logger of a handler: category <c>DurableAgents.{service}</c> from the app's <see cref="ILoggerFactory"/>.</summary>
    internal static ILogger For(IContext context, IServiceProvider services, string serviceName)
    {
        var factory = services.GetService(typeof(ILoggerFactory)) as ILoggerFactory;
        var inner = factory?.CreateLogger("DurableAgents." + serviceName) ?? NullLogger.Instance;
        return new ReplayAwareLogger(inner, context);
    }
}
