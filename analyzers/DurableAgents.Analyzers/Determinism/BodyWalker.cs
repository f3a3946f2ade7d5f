using System.Collections.Generic;
using System.Threading;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// Walks one operation block (a method with its local functions and lambdas) and builds its call-graph nodes.
/// Step bodies (delegates passed to a parameter or assigned to a property marked <c>[RunsInDurableStep]</c>, such as
/// <c>RunAsync</c>'s action or <c>OnApprovalRequested</c>) are skipped entirely: code inside a step may do anything.
/// </summary>
internal sealed partial class BodyWalker
{
    private readonly KnownSymbols _known;
    private readonly ApiCatalogue _catalogue;
    private readonly StepWrappers _wrappers;
    private readonly ViolationChecks _checks;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<ILocalSymbol> _delegateLocals = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ILocalSymbol, IParameterSymbol> _parameterAliases = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IOperation> _stepReturningLambdas = new();
    private int _insideStepArgument;

    /// <summary>How many of the enclosing method and local functions have a delegate parameter (a step body can only use those).</summary>
    private int _delegateParameterScopes;

    public BodyWalker(KnownSymbols known, ApiCatalogue catalogue, StepWrappers wrappers, IMethodSymbol owner, CancellationToken cancellationToken)
    {
        _known = known;
        _catalogue = catalogue;
        _wrappers = wrappers;
        _checks = new ViolationChecks();
        _cancellationToken = cancellationToken;
        _delegateParameterScopes = HasDelegateParameter(owner) ? 1 : 0;
        Root = new Node(owner, DisplayOf(owner));
        Nodes.Add(owner, Root);
    }

    public Node Root { get; }

    /// <summary>Every node of the block, keyed by symbol; the owner method first.</summary>
    public Dictionary<ISymbol, Node> Nodes { get; } = new(SymbolEqualityComparer.Default);

    public void Walk(IOperation block) => Visit(block, Root);

    internal static string DisplayOf(IMethodSymbol method)
    {
        var type = method.ContainingType?.Name;
        return method.MethodKind switch
        {
            MethodKind.LocalFunction => method.Name,
            MethodKind.AnonymousFunction => "lambda",
            MethodKind.Constructor => "new " + type,
            MethodKind.PropertyGet or MethodKind.PropertySet when method.AssociatedSymbol is { } property => type + "." + property.Name,
            _ => type + "." + method.Name,
        };
    }

    private Node GetNode(ISymbol symbol, string display)
    {
        if (!Nodes.TryGetValue(symbol, out var node))
        {
            node = new Node(symbol, display);
            Nodes.Add(symbol, node);
        }

        return node;
    }

    private void Visit(IOperation? operation, Node node)
    {
        if (operation is null)
        {
            return;
        }

        _cancellationToken.ThrowIfCancellationRequested();
        if (_insideStepArgument > 0 && operation is IAnonymousFunctionOperation or IMethodReferenceOperation)
        {
            // A delegate inside an argument of non-delegate type that runs in a step (FromFunction(AIFunctionFactory.Create(...))).
            return;
        }

        switch (operation)
        {
            case IInvocationOperation invocation:
                VisitInvocation(invocation, node);
                return;

            case ILocalFunctionOperation localFunction:
                var forwards = HasDelegateParameter(localFunction.Symbol);
                _delegateParameterScopes += forwards ? 1 : 0;
                Visit(localFunction.Body ?? localFunction.IgnoredBody, GetNode(localFunction.Symbol, localFunction.Symbol.Name));
                _delegateParameterScopes -= forwards ? 1 : 0;
                return;

            case IAnonymousFunctionOperation lambda:
                VisitLambda(lambda, node);
                return;

            case IArgumentOperation argument when VisitStepArgument(argument, node):
                // A constructor argument the runtime runs in a step ([RunsInDurableStep]).
                return;

            case IAssignmentOperation { Target: IPropertyReferenceOperation property } assignment
                when _known.GetStepMode(property.Property) is var mode and not StepMode.None:
                // options.OnApprovalRequested = ...: the runtime runs the delegate in a step.
                Visit(property.Instance, node);
                if (mode == StepMode.Delegate && TrackedParameter(assignment.Value) is { } assigned)
                {
                    _wrappers.AddStepUse(assigned); // a helper that installs its delegate parameter as a step hook
                }

                VisitStepValue(assignment.Value, mode, node);
                return;

            case IReturnOperation { ReturnedValue: { } returned } when _stepReturningLambdas.Count > 0
                                                                    && StepBodies.EnclosingFunction(operation) is { } enclosing
                                                                    && _stepReturningLambdas.Contains(enclosing)
                                                                    && IsDelegateValue(returned):
                // The delegate returned to a [RunsInDurableStep(ReturnedDelegate = true)] parameter is the step body.
                return;

            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when IsDelegate(target.Type):
                // f = async ct => ...: the target is a definition, not a use.
                Visit(assignment.Value, node);
                return;

            case IObjectCreationOperation creation when creation.Constructor is { } constructor:
                _checks.Check(_catalogue.LookupMethod(constructor, creation), creation, node);
                AddSourceEdge(constructor, node, isVirtual: false);
                break;

            case IPropertyReferenceOperation property:
                _checks.Check(_catalogue.LookupProperty(property.Property), property, node);
                var accessor = IsWriteTarget(property) ? property.Property.SetMethod : property.Property.GetMethod;
                if (accessor is not null)
                {
                    AddSourceEdge(accessor, node, IsDispatched(accessor));
                }

                CheckStaticState(property, node);
                break;

            case IFieldReferenceOperation field:
                CheckStaticState(field, node);
                break;

            case IAwaitOperation awaited when _known.IsDurableAwaitable(awaited.Operation.Type):
                node.IssuesDurableOperations = true;
                break;

            case IForEachLoopOperation loop:
                CheckUnorderedIteration(loop, node);
                break;

            case ILocalReferenceOperation local when _delegateLocals.Contains(local.Local):
                // A stored lambda used other than as a step body: assume it runs here.
                node.Edges.Add(new Edge(local.Local, null, -1));
                break;

            case ILocalReferenceOperation or IParameterReferenceOperation when TrackedParameter(operation) is { } parameter:
                // A delegate parameter (or a local holding one) used other than as a step body or forwarded.
                NoteParameterUse(operation, parameter);
                break;

            case IMethodReferenceOperation methodReference:
                // A method group used as a value (not as a step body) is a call: assume it runs here. Stored in a
                // local, it is that local's node (like a lambda), so passing the local to a step skips it.
                var groupNode = node;
                if (OperationHelpers.GetAssignedLocal(methodReference) is { } groupLocal && IsDelegate(groupLocal.Type))
                {
                    _delegateLocals.Add(groupLocal);
                    groupNode = GetNode(groupLocal, groupLocal.Name);
                }

                _checks.Check(_catalogue.LookupMethod(methodReference.Method, methodReference), methodReference, groupNode);
                AddSourceEdge(methodReference.Method, groupNode, IsDispatched(methodReference.Method));
                break;
        }

        foreach (var child in operation.ChildOperations)
        {
            Visit(child, node);
        }
    }

    private void VisitLambda(IAnonymousFunctionOperation lambda, Node node)
    {
        var local = OperationHelpers.GetAssignedLocal(lambda);
        if (local is not null)
        {
            // A lambda stored in a local is its own node; references to the local decide whether it runs durably
            // (passing it to RunAsync does not; calling it does).
            _delegateLocals.Add(local);
            Visit(lambda.Body, GetNode(local, local.Name));
            return;
        }

        // Inline lambdas passed to library methods (LINQ, List.ForEach, ...) are assumed to run in place.
        Visit(lambda.Body, node);
    }

    private void VisitInvocation(IInvocationOperation invocation, Node node)
    {
        var target = invocation.TargetMethod;
        if (_known.IsTool(target))
        {
            // A tool runs as a journaled step; its body is not durable code.
            Visit(invocation.Instance, node);
            foreach (var argument in invocation.Arguments)
            {
                Visit(argument, node);
            }

            return;
        }

        _checks.Check(_catalogue.LookupMethod(target, invocation), invocation, node);

        var callee = Normalize(target);
        var isVirtual = invocation.IsVirtual; // not base.M()
        var isSource = callee.MethodKind == MethodKind.LocalFunction || IsSourceDeclared(callee);
        if (IsDurableOperation(invocation, isSource))
        {
            node.IssuesDurableOperations = true;
        }

        CheckUnorderedQuery(invocation, node);
        if (isSource && (!callee.IsAbstract || isVirtual))
        {
            // A virtual or interface call also reaches the overrides and implementations (resolved at the end).
            node.Edges.Add(new Edge(callee, null, -1, isVirtual));
        }

        Visit(invocation.Instance, node);
        foreach (var argument in invocation.Arguments)
        {
            if (VisitStepArgument(argument, node))
            {
                continue;
            }

            if (isSource && argument.Parameter is { } parameter && OperationHelpers.IsDelegateParameter(parameter))
            {
                if (VisitDelegateArgument(argument.Value, callee, parameter.Ordinal, node))
                {
                    continue;
                }
            }

            Visit(argument, node);
        }
    }

    /// <summary>
    /// An argument whose parameter is marked <c>[RunsInDurableStep]</c>: the delegate is a step body and is skipped (when it
    /// is one of the owner's own delegate parameters, the owner is a step wrapper). Returns false for other arguments.
    /// </summary>
    private bool VisitStepArgument(IArgumentOperation argument, Node node)
    {
        var mode = _known.GetStepMode(argument.Parameter);
        if (mode == StepMode.None)
        {
            return false;
        }

        if (mode == StepMode.Delegate
            && OperationHelpers.IsDelegateParameter(argument.Parameter)
            && TrackedParameter(argument.Value) is { } parameter)
        {
            _wrappers.AddStepUse(parameter); // the owner (or a local function) is a step wrapper
        }

        VisitStepValue(argument.Value, mode, node);
        return true;
    }

    /// <summary>Walks a value that goes to a <c>[RunsInDurableStep]</c> place, skipping what runs in the step.</summary>
    private void VisitStepValue(IOperation value, StepMode mode, Node node)
    {
        var inner = OperationHelpers.WalkDownDelegate(value);
        if (mode == StepMode.ReturnedDelegate)
        {
            if (inner is IAnonymousFunctionOperation binder)
            {
                // The binder runs on every attempt (durable code); what it returns runs in the step.
                _stepReturningLambdas.Add(binder);
                Visit(binder.Body, node);
                _stepReturningLambdas.Remove(binder);
            }

            return;
        }

        if (IsDelegate(value.Type) || IsDelegate(inner.Type) || inner is IAnonymousFunctionOperation or IMethodReferenceOperation)
        {
            if (inner is IAnonymousFunctionOperation body)
            {
                // The step body itself. Delegate parameters it calls or passes on run in the step:
                // RunAsync(name, ct => body()) makes a Func<Task<T>> parameter a step-wrapper parameter.
                NoteStepUsesInside(body);
            }

            return;
        }

        // A non-delegate value (an AIFunction): evaluated here, but the delegates inside it run in the step.
        _insideStepArgument++;
        try
        {
            Visit(value, node);
        }
        finally
        {
            _insideStepArgument--;
        }
    }

    private static bool IsDelegateValue(IOperation value) =>
        IsDelegate(value.Type) || OperationHelpers.WalkDownDelegate(value) is IAnonymousFunctionOperation or IMethodReferenceOperation;

    /// <summary>
    /// A delegate passed to a method of this compilation runs durably unless that method passes it on to RunAsync;
    /// the edge is made conditional and resolved once every method has been walked.
    /// </summary>
    private bool VisitDelegateArgument(IOperation value, IMethodSymbol callee, int ordinal, Node node)
    {
        var inner = OperationHelpers.WalkDownDelegate(value);
        switch (inner)
        {
            case IAnonymousFunctionOperation lambda:
                var lambdaNode = GetNode(lambda.Symbol, "lambda passed to " + DisplayOf(callee));
                Visit(lambda.Body, lambdaNode);
                node.Edges.Add(new Edge(lambda.Symbol, callee, ordinal));
                return true;
            case IMethodReferenceOperation methodReference when IsSourceMethod(Normalize(methodReference.Method)) || methodReference.Method.MethodKind == MethodKind.LocalFunction:
                node.Edges.Add(new Edge(Normalize(methodReference.Method), callee, ordinal, IsDispatched(methodReference.Method)));
                return true;
            case IMethodReferenceOperation methodReference:
                // A library method group (Path.GetTempFileName): a violation unless the callee runs it in a step.
                Visit(methodReference.Instance, node);
                _checks.Check(_catalogue.LookupMethod(methodReference.Method, methodReference), methodReference, node, callee, ordinal);
                return true;
            case ILocalReferenceOperation local when _delegateLocals.Contains(local.Local):
                node.Edges.Add(new Edge(local.Local, callee, ordinal));
                return true;
            default:
                if (TrackedParameter(inner) is { } forwarded)
                {
                    // A helper passing its own delegate parameter on: it is a step wrapper if the callee is one.
                    _wrappers.AddForward(forwarded, new DelegateParameter(callee, ordinal));
                    return true;
                }

                return false;
        }
    }

    private void AddSourceEdge(IMethodSymbol method, Node node, bool isVirtual)
    {
        var callee = Normalize(method);
        if (callee.MethodKind == MethodKind.LocalFunction || IsSourceMethod(callee) || (isVirtual && IsSourceDeclared(callee)))
        {
            if (!_known.IsTool(callee))
            {
                node.Edges.Add(new Edge(callee, null, -1, isVirtual));
            }
        }
    }

    /// <summary>A call to this member may run an override or an interface implementation.</summary>
    private static bool IsDispatched(IMethodSymbol method) =>
        !method.IsStatic
        && (method.IsVirtual || method.IsAbstract || method.IsOverride || method.ContainingType?.TypeKind == TypeKind.Interface);



    internal static IMethodSymbol Normalize(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        method = method.OriginalDefinition;
        return method.PartialImplementationPart ?? method;
    }

    private static bool IsSourceMethod(IMethodSymbol method) => !method.IsAbstract && IsSourceDeclared(method);

    private static bool IsSourceDeclared(IMethodSymbol method) => method.Locations.Length > 0 && method.Locations[0].IsInSource;

    private static bool IsDelegate(ITypeSymbol? type) => type?.TypeKind == TypeKind.Delegate;

    private static bool HasDelegateParameter(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (IsDelegate(parameter.Type))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWriteTarget(IOperation operation) =>
        operation.Parent is IAssignmentOperation assignment && assignment.Target == operation && operation.Parent is not ICompoundAssignmentOperation;

    /// <summary>A context call, a call returning a durable future, or a call into a library that is handed the context.</summary>
    private bool IsDurableOperation(IInvocationOperation invocation, bool isSource) =>
        _known.IsContextMember(invocation.TargetMethod)
        || _known.IsDurableAwaitable(invocation.Type)
        || (!isSource && HandsOverContext(invocation));

    private bool HandsOverContext(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (_known.IsContextType(OperationHelpers.WalkDownConversion(argument.Value).Type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True if the operation issues a durable operation: a context call, a durable future, or a call that is handed the
    /// context (a helper that uses it).
    /// </summary>
    internal bool ContainsDurableOperation(IOperation? operation)
    {
        if (operation is null)
        {
            return false;
        }

        foreach (var descendant in operation.DescendantsAndSelf())
        {
            switch (descendant)
            {
                case IInvocationOperation invocation when IsDurableOperation(invocation, isSource: false):
                    return true;
                case IAwaitOperation await when _known.IsDurableAwaitable(await.Operation.Type):
                    return true;
            }
        }

        return false;
    }
}
