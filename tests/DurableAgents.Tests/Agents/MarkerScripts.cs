namespace DurableAgents.Tests.Agents;

/// <summary>Routes a fake model request to the script of the first marker word its messages contain.</summary>
internal static class MarkerScripts
{
    public static FakeReply Route(IEnumerable<KeyValuePair<string, Func<FakeRequest, FakeReply>>> scripts, FakeRequest request)
    {
        var text = string.Join("\n", request.Messages.Select(m => m.Content));
        foreach (var (marker, script) in scripts)
        {
            if (text.Contains(marker, StringComparison.Ordinal))
            {
                return script(request);
            }
        }

        return FakeReply.Say("no script");
    }
}
