using System.Collections.Immutable;

namespace DurableAgents.Generator.Journal;

/// <summary>A parsed lock file, or the first error and its 0-based line.</summary>
internal sealed class LockParseResult
{
    public LockParseResult(ImmutableArray<HandlerManifest> handlers, string? error, int errorLine)
    {
        Handlers = handlers;
        Error = error;
        ErrorLine = errorLine;
    }

    public ImmutableArray<HandlerManifest> Handlers { get; }

    public string? Error { get; }

    public int ErrorLine { get; }

    public static LockParseResult Fail(int line, string error) => new(ImmutableArray<HandlerManifest>.Empty, error, line);
}
