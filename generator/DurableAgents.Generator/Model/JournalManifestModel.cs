namespace DurableAgents.Generator.Model;

/// <summary>
/// The journal manifests of one durable class, as the lock file's text (equatable: strings only), so the pipeline
/// caches them like any other model.
/// </summary>
/// <param name="TypeName">The class's fully qualified name (for ordering and diagnostics of tests).</param>
/// <param name="Handlers">One block per handler or agent run, sorted by key.</param>
internal sealed record JournalManifestModel(string TypeName, EquatableArray<JournalBlockModel> Handlers);
