using System.Linq;
using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DurableAgents.Generator.Parsing;

/// <summary>
/// Reads <c>&lt;summary&gt;</c> and <c>&lt;param&gt;</c> from a symbol's XML doc comment. Works whether or not the
/// project generates a documentation file: it falls back to the raw <c>///</c> trivia when the compiler did not parse
/// doc comments (<c>DocumentationMode.None</c>).
/// </summary>
internal sealed class DocComments
{
    private readonly XElement? _root;

    private DocComments(XElement? root) => _root = root;

    public static DocComments For(ISymbol symbol, CancellationToken cancellationToken)
    {
        var xml = symbol.GetDocumentationCommentXml(cancellationToken: cancellationToken);
        if (string.IsNullOrWhiteSpace(xml))
        {
            xml = FromTrivia(symbol, cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(xml))
        {
            return new DocComments(null);
        }

        try
        {
            var root = XElement.Parse(xml, LoadOptions.None);
            return new DocComments(root);
        }
        catch (XmlException)
        {
            return new DocComments(null);
        }
    }

    public string? Summary => Text(_root?.Element("summary"));

    public string? Param(string name) => Text(_root?.Elements("param").FirstOrDefault(e => (string?)e.Attribute("name") == name));

    private static string? FromTrivia(ISymbol symbol, CancellationToken cancellationToken)
    {
        var reference = symbol.DeclaringSyntaxReferences.FirstOrDefault();
        if (reference is null)
        {
            return null;
        }

        var node = reference.GetSyntax(cancellationToken);
        var sb = new StringBuilder();
        foreach (var trivia in node.GetLeadingTrivia())
        {
            if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia))
            {
                var text = trivia.ToString();
                if (text.StartsWith("///", System.StringComparison.Ordinal))
                {
                    sb.Append(text.Substring(3)).Append('\n');
                }
            }
            else if (trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia))
            {
                foreach (var line in trivia.ToFullString().Split('\n'))
                {
                    var t = line.TrimStart();
                    if (t.StartsWith("///", System.StringComparison.Ordinal))
                    {
                        sb.Append(t.Substring(3)).Append('\n');
                    }
                }
            }
        }

        return sb.Length == 0 ? null : "<doc>" + sb + "</doc>";
    }

    private static string? Text(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        var sb = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    sb.Append(t.Value);
                    break;
                case XElement e when e.Attribute("cref") is { } cref:
                    var name = cref.Value;
                    var colon = name.IndexOf(':');
                    name = colon >= 0 ? name.Substring(colon + 1) : name;
                    var paren = name.IndexOf('(');
                    name = paren >= 0 ? name.Substring(0, paren) : name;
                    sb.Append(name.Substring(name.LastIndexOf('.') + 1));
                    break;
                case XElement e when e.Attribute("name") is { } n:
                    sb.Append(n.Value);
                    break;
                case XElement e:
                    sb.Append(e.Value);
                    break;
            }
        }

        var collapsed = string.Join(" ", sb.ToString().Split(new[] { ' ', '\n', '\r', '\t' }, System.StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length == 0 ? null : collapsed;
    }
}
