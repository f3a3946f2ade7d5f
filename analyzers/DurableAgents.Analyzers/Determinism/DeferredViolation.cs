using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// A violation that is only one if <see cref="Condition"/> holds for <see cref="Dependencies"/>, which needs facts from
/// other bodies (a field initializer, a helper's body): it is decided and reported at compilation end.
/// </summary>
internal sealed record DeferredViolation(Violation Violation, DeferredCondition Condition, ImmutableArray<ISymbol> Dependencies);
