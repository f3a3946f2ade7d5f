using System;

namespace DurableAgents.Generator.Model;

/// <summary>
/// Where a partial declaration goes: the namespace (empty for the global namespace) and the chain of containing
/// types, outermost first, as strings. Immutable and structurally equatable; holds no symbols.
/// </summary>
/// <param name="Namespace">The namespace, without <c>global::</c>; empty for the global namespace.</param>
/// <param name="ContainingTypes">The containing types, outermost first.</param>
internal sealed record TypeHierarchy(string Namespace, EquatableArray<ContainingType> ContainingTypes);

/// <summary>One containing type of a nested declaration.</summary>
/// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c>, <c>interface</c>.</param>
/// <param name="Name">The type's identifier (escaped if it is a keyword).</param>
/// <param name="IsStatic">Whether the type is a static class.</param>
internal sealed record ContainingType(string Keyword, string Name, bool IsStatic) : IEquatable<ContainingType>;
