namespace DurableAgents.Generator.Model;

/// <summary>One handler's block of the lock file.</summary>
/// <param name="Key">The handler key (<c>Greeter/greet</c>), the lock's sort key.</param>
/// <param name="Lines">The block's lines: the header, then the entries indented.</param>
internal sealed record JournalBlockModel(string Key, EquatableArray<string> Lines);
