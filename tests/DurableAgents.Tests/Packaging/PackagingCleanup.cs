namespace DurableAgents.Tests.Packaging;

/// <summary>After the last test of this namespace: deletes the shared <see cref="LocalFeed"/>, if one was packed.</summary>
[SetUpFixture]
public sealed class PackagingCleanup
{
    [OneTimeTearDown]
    public void DeleteFeed() => LocalFeed.CleanUp();
}
