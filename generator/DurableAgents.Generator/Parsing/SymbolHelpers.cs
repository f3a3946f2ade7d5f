using System.Collections.Generic;
using System.Linq;
using DurableAgents.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DurableAgents.Generator.Parsing;

internal static class SymbolHelpers
{
    /// <summary><c>global::</c>-qualified names, keeping nullable reference annotations.</summary>
    public static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string ToFullyQualified(this ITypeSymbol type) => type.ToDisplayString(FullyQualified);

    /// <summary>The first constructor argument of an attribute when it is a non-null string.</summary>
    public static string? StringArgument(this AttributeData attribute)
        => attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string s ? s : null;

    /// <summary>A named argument of an attribute.</summary>
    public static T? NamedArgument<T>(this AttributeData attribute, string name)
    {
        foreach (var kv in attribute.NamedArguments)
        {
            if (kv.Key == name && kv.Value.Value is T value)
            {
                return value;
            }
        }

        return default;
    }

    public static AttributeData? FindAttribute(this ISymbol symbol, string metadataName)
    {
        foreach (var a in symbol.GetAttributes())
        {
            if (a.AttributeClass is { } c && IsNamed(c, metadataName))
            {
                return a;
            }
        }

        return null;
    }

    /// <summary>Compares a type with a metadata name (namespace + name) without a compilation lookup.</summary>
    public static bool IsNamed(ITypeSymbol type, string metadataName)
    {
        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        var dot = metadataName.LastIndexOf('.');
        var name = metadataName.Substring(dot + 1);
        var ns = dot < 0 ? "" : metadataName.Substring(0, dot);
        return named.MetadataName == name && named.ContainingType is null && named.ContainingNamespace?.ToDisplayString() is { } actual
            && (actual == ns || (ns.Length == 0 && named.ContainingNamespace.IsGlobalNamespace));
    }

    /// <summary>The effective accessibility of a type, including its containing types and type arguments.</summary>
    public static Accessibility EffectiveAccessibility(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return EffectiveAccessibility(array.ElementType);
            case ITypeParameterSymbol:
                return Accessibility.Public;
            case INamedTypeSymbol named:
                var result = Accessibility.Public;
                for (ITypeSymbol? t = named; t is not null; t = t.ContainingType)
                {
                    result = Min(result, t.DeclaredAccessibility);
                }

                foreach (var arg in named.TypeArguments)
                {
                    result = Min(result, EffectiveAccessibility(arg));
                }

                return result;
            default:
                return Accessibility.Public;
        }
    }

    /// <summary>Whether code at namespace level of the same assembly can name the type.</summary>
    public static bool IsAssemblyVisible(Accessibility a) => a is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

    private static Accessibility Min(Accessibility a, Accessibility b)
    {
        static int Rank(Accessibility x) => x switch
        {
            Accessibility.Public => 5,
            Accessibility.ProtectedOrInternal => 4,
            Accessibility.Internal => 3,
            Accessibility.Protected => 2,
            Accessibility.ProtectedAndInternal => 1,
            _ => 0,
        };

        return Rank(a) <= Rank(b) ? a : b;
    }

    /// <summary>
    /// The hierarchy of a type for partial declarations, or null when a containing declaration is not partial or is
    /// generic (no code can be added there).
    /// </summary>
    public static TypeHierarchy? GetHierarchy(INamedTypeSymbol type, TypeDeclarationSyntax declaration)
    {
        var containing = new List<ContainingType>();
        var syntaxParent = declaration.Parent as TypeDeclarationSyntax;
        for (var t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            if (t.IsGenericType || syntaxParent is null || !syntaxParent.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return null;
            }

            var keyword = syntaxParent switch
            {
                RecordDeclarationSyntax r when r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
                RecordDeclarationSyntax => "record",
                StructDeclarationSyntax => "struct",
                InterfaceDeclarationSyntax => "interface",
                _ => "class",
            };
            containing.Insert(0, new ContainingType(keyword, Naming.Identifier(t.Name), t.IsStatic));
            syntaxParent = syntaxParent.Parent as TypeDeclarationSyntax;
        }

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        return new TypeHierarchy(ns, containing.ToEquatableArray());
    }

    /// <summary>A unique, file-system-safe hint name: the metadata name with <c>+</c> for nesting.</summary>
    public static string HintName(INamedTypeSymbol type, string suffix)
    {
        var parts = new List<string>();
        for (var t = type; t is not null; t = t.ContainingType)
        {
            parts.Insert(0, t.MetadataName.Replace('`', '_'));
        }

        var name = string.Join("+", parts);
        if (type.ContainingNamespace is { IsGlobalNamespace: false } ns)
        {
            name = ns.ToDisplayString() + "." + name;
        }

        return name + "." + suffix + ".g.cs";
    }

    public static bool HasPartialModifier(TypeDeclarationSyntax declaration) => declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    /// <summary>All members with the given attribute, in declaration order.</summary>
    public static IEnumerable<IMethodSymbol> MethodsWith(INamedTypeSymbol type, params string[] attributeNames)
        => type.GetMembers().OfType<IMethodSymbol>().Where(m => attributeNames.Any(a => m.FindAttribute(a) is not null));

    /// <summary>The C# expression of an optional parameter's default value, or null when it cannot be written.</summary>
    public static string? DefaultLiteral(IParameterSymbol p, string type)
    {
        var value = p.ExplicitDefaultValue;
        if (value is null)
        {
            return "default(" + type + ")";
        }

        return value switch
        {
            string or char or bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal
                => "(" + type + ")(" + SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false) + ")",
            _ => null,
        };
    }
}
