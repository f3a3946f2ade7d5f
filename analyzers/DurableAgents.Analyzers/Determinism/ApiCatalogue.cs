using System.Collections.Generic;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>What a catalogued API does to replay, i.e. which rule reports it.</summary>
internal enum ApiRule
{
    Clock,
    Guid,
    Random,
    Delay,
    Concurrency,
    ConfigureAwait,
    TaskCombinator,
    Io,
    Llm,
    Environment,
    AgentRun,
}

/// <summary>A catalogue hit: the rule and the name shown in the message (<c>DateTime.UtcNow</c>).</summary>
internal readonly record struct ApiHit(ApiRule Rule, string Display);

/// <summary>
/// The non-deterministic BCL (and Microsoft.Extensions.AI) APIs, resolved once per compilation to symbols. Lookup is
/// by (declaring type, member name) with a member-name pre-filter, so the common case (a call to anything else) costs
/// one hash lookup.
/// </summary>
internal sealed class ApiCatalogue
{
    private const string AnyMethod = "*";

    // Members a wildcard entry does not cover.
    private static readonly HashSet<string> WildcardExclusions = new()
    {
        "Dispose", "DisposeAsync", "ToString", "Equals", "GetHashCode", "GetType", "CancelPendingRequests",
        "get_Name", "get_FullName", "get_Extension", "get_DirectoryName",
    };

    // (metadata name, member name or "*" for every method, rule). ".ctor" is a constructor.
    private static readonly (string Type, string Member, ApiRule Rule)[] Entries =
    {
        // Clock
        ("System.DateTime", "Now", ApiRule.Clock),
        ("System.DateTime", "UtcNow", ApiRule.Clock),
        ("System.DateTime", "Today", ApiRule.Clock),
        ("System.DateTimeOffset", "Now", ApiRule.Clock),
        ("System.DateTimeOffset", "UtcNow", ApiRule.Clock),
        ("System.TimeProvider", "System", ApiRule.Clock),
        ("System.TimeProvider", "GetUtcNow", ApiRule.Clock),
        ("System.TimeProvider", "GetLocalNow", ApiRule.Clock),
        ("System.TimeProvider", "GetTimestamp", ApiRule.Clock),
        ("System.TimeProvider", "GetElapsedTime", ApiRule.Clock),
        ("System.Diagnostics.Stopwatch", ".ctor", ApiRule.Clock),
        ("System.Diagnostics.Stopwatch", "StartNew", ApiRule.Clock),
        ("System.Diagnostics.Stopwatch", "GetTimestamp", ApiRule.Clock),
        ("System.Diagnostics.Stopwatch", "GetElapsedTime", ApiRule.Clock),
        ("System.Environment", "TickCount", ApiRule.Clock),
        ("System.Environment", "TickCount64", ApiRule.Clock),

        // GUID
        ("System.Guid", "NewGuid", ApiRule.Guid),
        ("System.Guid", "CreateVersion7", ApiRule.Guid),

        // Random
        ("System.Random", "Shared", ApiRule.Random),
        ("System.Random", ".ctor", ApiRule.Random), // only the unseeded constructor, see Lookup
        ("System.Security.Cryptography.RandomNumberGenerator", AnyMethod, ApiRule.Random),
        ("System.Security.Cryptography.RNGCryptoServiceProvider", ".ctor", ApiRule.Random),
        ("System.IO.Path", "GetRandomFileName", ApiRule.Random),
        ("System.IO.Path", "GetTempFileName", ApiRule.Random),

        // Delays and timers
        ("System.Threading.Tasks.Task", "Delay", ApiRule.Delay),
        ("System.Threading.Thread", "Sleep", ApiRule.Delay),
        ("System.Threading.Timer", ".ctor", ApiRule.Delay),
        ("System.Timers.Timer", ".ctor", ApiRule.Delay),
        ("System.Threading.PeriodicTimer", ".ctor", ApiRule.Delay),
        ("System.TimeProvider", "CreateTimer", ApiRule.Delay),

        // Concurrency outside the journal
        ("System.Threading.Tasks.Task", "Run", ApiRule.Concurrency),
        ("System.Threading.Tasks.Task", "ContinueWith", ApiRule.Concurrency),
        ("System.Threading.Tasks.Task`1", "ContinueWith", ApiRule.Concurrency),
        ("System.Threading.Tasks.TaskFactory", "StartNew", ApiRule.Concurrency),
        ("System.Threading.Tasks.TaskFactory`1", "StartNew", ApiRule.Concurrency),
        ("System.Threading.Thread", ".ctor", ApiRule.Concurrency),
        ("System.Threading.ThreadPool", AnyMethod, ApiRule.Concurrency),
        ("System.Threading.Tasks.Parallel", AnyMethod, ApiRule.Concurrency),

        // ConfigureAwait(false) (only with a false / no-context argument, see Lookup)
        ("System.Threading.Tasks.Task", "ConfigureAwait", ApiRule.ConfigureAwait),
        ("System.Threading.Tasks.Task`1", "ConfigureAwait", ApiRule.ConfigureAwait),
        ("System.Threading.Tasks.ValueTask", "ConfigureAwait", ApiRule.ConfigureAwait),
        ("System.Threading.Tasks.ValueTask`1", "ConfigureAwait", ApiRule.ConfigureAwait),
        ("System.Threading.Tasks.TaskAsyncEnumerableExtensions", "ConfigureAwait", ApiRule.ConfigureAwait),

        // First-to-finish task combinators (only over durable futures, see Lookup). Task.WhenAll is replay-safe: it waits
        // for every task, so nothing depends on the order they finish in.
        ("System.Threading.Tasks.Task", "WhenAny", ApiRule.TaskCombinator),
        ("System.Threading.Tasks.Task", "WaitAny", ApiRule.TaskCombinator),
        ("System.Threading.Tasks.Task", "WhenEach", ApiRule.TaskCombinator),

        // I/O
        ("System.Net.Http.HttpClient", AnyMethod, ApiRule.Io),
        ("System.Net.Http.HttpMessageInvoker", AnyMethod, ApiRule.Io),
        ("System.Net.Http.Json.HttpClientJsonExtensions", AnyMethod, ApiRule.Io),
        ("System.Net.WebRequest", "Create", ApiRule.Io),
        ("System.Net.WebRequest", "GetResponse", ApiRule.Io),
        ("System.Net.WebRequest", "GetResponseAsync", ApiRule.Io),
        ("System.Net.Dns", AnyMethod, ApiRule.Io),
        ("System.Net.Sockets.Socket", ".ctor", ApiRule.Io),
        ("System.Net.Sockets.TcpClient", ".ctor", ApiRule.Io),
        ("System.Net.Sockets.UdpClient", ".ctor", ApiRule.Io),
        ("System.Net.Sockets.TcpListener", ".ctor", ApiRule.Io),
        ("System.IO.File", AnyMethod, ApiRule.Io),
        ("System.IO.Directory", AnyMethod, ApiRule.Io),
        ("System.IO.FileInfo", AnyMethod, ApiRule.Io),
        ("System.IO.DirectoryInfo", AnyMethod, ApiRule.Io),
        ("System.IO.FileStream", ".ctor", ApiRule.Io),
        ("System.IO.StreamReader", ".ctor", ApiRule.Io), // only with a path argument, see Lookup
        ("System.IO.StreamWriter", ".ctor", ApiRule.Io), // only with a path argument, see Lookup
        ("System.Diagnostics.Process", "Start", ApiRule.Io),
        ("System.Diagnostics.Process", "GetProcesses", ApiRule.Io),
        ("System.Diagnostics.Process", "GetProcessById", ApiRule.Io),
        ("System.Diagnostics.Process", "GetProcessesByName", ApiRule.Io),
        ("System.Diagnostics.Process", "Kill", ApiRule.Io),
        ("System.Data.Common.DbConnection", "Open", ApiRule.Io),
        ("System.Data.Common.DbConnection", "OpenAsync", ApiRule.Io),
        ("System.Data.Common.DbConnection", "BeginTransaction", ApiRule.Io),
        ("System.Data.Common.DbConnection", "BeginTransactionAsync", ApiRule.Io),
        ("System.Data.Common.DbCommand", "ExecuteNonQuery", ApiRule.Io),
        ("System.Data.Common.DbCommand", "ExecuteNonQueryAsync", ApiRule.Io),
        ("System.Data.Common.DbCommand", "ExecuteReader", ApiRule.Io),
        ("System.Data.Common.DbCommand", "ExecuteReaderAsync", ApiRule.Io),
        ("System.Data.Common.DbCommand", "ExecuteScalar", ApiRule.Io),
        ("System.Data.Common.DbCommand", "ExecuteScalarAsync", ApiRule.Io),
        ("System.Data.IDbConnection", "Open", ApiRule.Io),
        ("System.Data.IDbConnection", "BeginTransaction", ApiRule.Io),
        ("System.Data.IDbCommand", "ExecuteNonQuery", ApiRule.Io),
        ("System.Data.IDbCommand", "ExecuteReader", ApiRule.Io),
        ("System.Data.IDbCommand", "ExecuteScalar", ApiRule.Io),
        ("System.Console", "ReadLine", ApiRule.Io),
        ("System.Console", "Read", ApiRule.Io),
        ("System.Console", "ReadKey", ApiRule.Io),
        ("System.Console", "In", ApiRule.Io),

        // Model and AI-function calls (Microsoft.Extensions.AI)
        (KnownTypeNames.IChatClient, "GetResponseAsync", ApiRule.Llm),
        (KnownTypeNames.IChatClient, "GetStreamingResponseAsync", ApiRule.Llm),
        (KnownTypeNames.ChatClientExtensions, "GetResponseAsync", ApiRule.Llm),
        (KnownTypeNames.ChatClientExtensions, "GetStreamingResponseAsync", ApiRule.Llm),
        (KnownTypeNames.AIFunction, "InvokeAsync", ApiRule.Llm),

        // Environment
        ("System.Environment", "GetEnvironmentVariable", ApiRule.Environment),
        ("System.Environment", "GetEnvironmentVariables", ApiRule.Environment),
        ("System.Environment", "ExpandEnvironmentVariables", ApiRule.Environment),
        ("System.Environment", "MachineName", ApiRule.Environment),
        ("System.Environment", "ProcessId", ApiRule.Environment),
        ("System.Environment", "ProcessorCount", ApiRule.Environment),
        ("System.Environment", "UserName", ApiRule.Environment),
        ("System.Environment", "UserDomainName", ApiRule.Environment),
        ("System.Environment", "OSVersion", ApiRule.Environment),
        ("System.Environment", "CurrentDirectory", ApiRule.Environment),
        ("System.Environment", "ProcessPath", ApiRule.Environment),
        ("System.Environment", "CurrentManagedThreadId", ApiRule.Environment),
        ("System.Environment", "WorkingSet", ApiRule.Environment),
        ("System.Environment", "GetLogicalDrives", ApiRule.Environment),
        ("System.Environment", "GetFolderPath", ApiRule.Environment),
        ("System.Environment", "SystemDirectory", ApiRule.Environment),
        ("System.Environment", "SystemPageSize", ApiRule.Environment),
        ("System.Environment", "Is64BitProcess", ApiRule.Environment),
        ("System.Environment", "Is64BitOperatingSystem", ApiRule.Environment),
        ("System.Environment", "IsPrivilegedProcess", ApiRule.Environment),
        ("System.Environment", "UserInteractive", ApiRule.Environment),
        ("System.Environment", "Version", ApiRule.Environment),
        ("System.Environment", "CommandLine", ApiRule.Environment),
        ("System.Environment", "GetCommandLineArgs", ApiRule.Environment),
        ("System.Environment", "HasShutdownStarted", ApiRule.Environment),
        ("System.IO.Directory", "GetCurrentDirectory", ApiRule.Environment),
        ("System.IO.Path", "GetTempPath", ApiRule.Environment),
        ("System.Net.Dns", "GetHostName", ApiRule.Environment), // a machine fact; the named entry wins over the Dns wildcard (I/O)
        ("System.Diagnostics.Process", "GetCurrentProcess", ApiRule.Environment),
        ("System.TimeZoneInfo", "Local", ApiRule.Environment),
        ("System.Runtime.InteropServices.RuntimeInformation", "OSDescription", ApiRule.Environment),
        ("System.Runtime.InteropServices.RuntimeInformation", "OSArchitecture", ApiRule.Environment),
        ("System.Runtime.InteropServices.RuntimeInformation", "ProcessArchitecture", ApiRule.Environment),
        ("System.Runtime.InteropServices.RuntimeInformation", "FrameworkDescription", ApiRule.Environment),
        ("System.Runtime.InteropServices.RuntimeInformation", "RuntimeIdentifier", ApiRule.Environment),
        ("System.Net.NetworkInformation.IPGlobalProperties", "GetIPGlobalProperties", ApiRule.Environment),
        ("System.Net.NetworkInformation.NetworkInterface", "GetAllNetworkInterfaces", ApiRule.Environment),

        // Agents that call the model and tools themselves (Microsoft Agent Framework; matched by name, no reference needed)
        (KnownTypeNames.AIAgent, "RunAsync", ApiRule.AgentRun),
        (KnownTypeNames.AIAgent, "RunStreamingAsync", ApiRule.AgentRun),
    };

    private readonly Dictionary<INamedTypeSymbol, Dictionary<string, ApiRule>> _byType = new(SymbolEqualityComparer.Default);
    private readonly HashSet<string> _memberNames = new();
    private readonly HashSet<INamedTypeSymbol> _wildcardTypes = new(SymbolEqualityComparer.Default);
    private readonly KnownSymbols _known;
    private readonly INamedTypeSymbol? _string;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ISymbol, bool> _wrappers = new(SymbolEqualityComparer.Default);
    private readonly DurableTaskSources _durableTasks;

    public ApiCatalogue(Compilation compilation, KnownSymbols known)
    {
        _known = known;
        _durableTasks = new DurableTaskSources(known);
        _string = compilation.GetSpecialType(SpecialType.System_String);
        foreach (var (typeName, member, rule) in Entries)
        {
            var type = KnownSymbols.Get(compilation, typeName);
            if (type is null)
            {
                continue;
            }

            if (!_byType.TryGetValue(type, out var members))
            {
                members = new Dictionary<string, ApiRule>();
                _byType.Add(type, members);
            }

            members[member] = rule;
            if (member == AnyMethod)
            {
                _wildcardTypes.Add(type);
            }
            else
            {
                _memberNames.Add(member);
            }
        }
    }

    /// <summary>The catalogue entry for a method call (or constructor), or null.</summary>
    public ApiHit? LookupMethod(IMethodSymbol method, IOperation operation)
    {
        var name = method.MethodKind == MethodKind.Constructor ? ".ctor" : method.Name;
        var rule = Find(method, name, allowWildcard: method.MethodKind is MethodKind.Ordinary or MethodKind.ReducedExtension, out var declaringType);
        if (rule is null || declaringType is null)
        {
            return IsChatClientWrapperCall(method) ? new ApiHit(ApiRule.AgentRun, StripArity(method.ContainingType.Name + "." + method.Name)) : null;
        }

        switch (rule.Value)
        {
            case ApiRule.Random when method.MethodKind == MethodKind.Constructor && declaringType.Name == "Random":
                if (method.Parameters.Length != 0)
                {
                    return null; // new Random(seed) is deterministic
                }

                break;
            case ApiRule.Io when method.MethodKind == MethodKind.Constructor && declaringType.Name is "StreamReader" or "StreamWriter":
                if (method.Parameters.Length == 0 || !SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, _string))
                {
                    return null; // a reader/writer over an existing stream is not I/O by itself
                }

                break;
            case ApiRule.ConfigureAwait:
                if (!IsConfigureAwaitWithoutContext(operation))
                {
                    return null;
                }

                break;
            case ApiRule.TaskCombinator:
                if (!_durableTasks.HasDurableTaskArgument(operation))
                {
                    return null;
                }

                break;
            case ApiRule.Llm when IsDurableChatClientReceiver(operation):
                return null;
        }

        var display = method.MethodKind == MethodKind.Constructor
            ? "new " + declaringType.Name + "()"
            : declaringType.Name + "." + method.Name;
        return new ApiHit(rule.Value, StripArity(display));
    }

    /// <summary>The catalogue entry for a property read, or null.</summary>
    public ApiHit? LookupProperty(IPropertySymbol property)
    {
        var rule = Find(property, property.Name, allowWildcard: false, out var declaringType);
        if (rule is null || declaringType is null)
        {
            return null;
        }

        return new ApiHit(rule.Value, declaringType.Name + "." + property.Name);
    }

    /// <summary>
    /// A call on an agent type from a referenced library that wraps a raw <c>IChatClient</c>: an instance method returning
    /// a task or an async stream, on a type (not itself a chat client, not a DurableAgents type) with a public constructor
    /// that takes an <c>IChatClient</c>. Source types are not matched: the call graph follows them to their model calls.
    /// </summary>
    private bool IsChatClientWrapperCall(IMethodSymbol method)
    {
        if (_known.IChatClient is null
            || method.IsStatic
            || method.MethodKind != MethodKind.Ordinary
            || method.ContainingType is not { } type
            || type.TypeKind != TypeKind.Class
            || type.Locations.Length == 0
            || type.Locations[0].IsInSource)
        {
            return false;
        }

        return _wrappers.GetOrAdd(type.OriginalDefinition, t => WrapsChatClient((INamedTypeSymbol)t)) && ReturnsAwaitable(method.ReturnType);
    }

    private bool WrapsChatClient(INamedTypeSymbol type)
    {
        if (IsDurableAgentsSymbol(type) || KnownSymbols.Is(type, _known.IChatClient))
        {
            return false;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (KnownSymbols.Is(@interface, _known.IChatClient))
            {
                return false; // a chat client itself (a delegating client): DA2009 covers its calls
            }
        }

        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility != Accessibility.Public)
            {
                continue;
            }

            foreach (var parameter in constructor.Parameters)
            {
                if (KnownSymbols.Is(parameter.Type, _known.IChatClient))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool ReturnsAwaitable(ITypeSymbol type)
    {
        var definition = type.OriginalDefinition;
        var ns = definition.ContainingNamespace?.ToDisplayString();
        return (ns == "System.Threading.Tasks" && definition.MetadataName is "Task" or "Task`1" or "ValueTask" or "ValueTask`1")
            || (ns == "System.Collections.Generic" && definition.MetadataName == "IAsyncEnumerable`1");
    }

    private ApiRule? Find(ISymbol member, string name, bool allowWildcard, out INamedTypeSymbol? declaringType)
    {
        declaringType = null;
        var named = _memberNames.Contains(name);
        if (!named && (!allowWildcard || _wildcardTypes.Count == 0))
        {
            return null;
        }

        if (member is IMethodSymbol { ReducedFrom: { } reducedFrom })
        {
            member = reducedFrom;
        }

        var type = member.ContainingType;
        if (type is null)
        {
            return null;
        }

        // The declaring type, then (for instance members) its base types and interfaces: SqlConnection.Open is
        // DbConnection.Open, OpenAIChatClient.GetResponseAsync is IChatClient.GetResponseAsync.
        for (var current = type; current is not null; current = member.IsStatic ? null : current.BaseType)
        {
            if (TryMatch(current, name, allowWildcard, out var rule))
            {
                declaringType = current;
                return rule;
            }
        }

        if (!member.IsStatic && named)
        {
            foreach (var @interface in type.AllInterfaces)
            {
                if (TryMatch(@interface, name, allowWildcard: false, out var rule))
                {
                    declaringType = @interface;
                    return rule;
                }
            }
        }

        return null;
    }

    private bool TryMatch(INamedTypeSymbol type, string name, bool allowWildcard, out ApiRule rule)
    {
        rule = default;
        if (!_byType.TryGetValue(type.OriginalDefinition, out var members))
        {
            return false;
        }

        if (members.TryGetValue(name, out rule))
        {
            return true;
        }

        if (allowWildcard && members.TryGetValue(AnyMethod, out rule) && !WildcardExclusions.Contains(name))
        {
            return true;
        }

        return false;
    }

    private static string StripArity(string display)
    {
        var tick = display.IndexOf('`');
        return tick < 0 ? display : display.Substring(0, tick);
    }

    private static bool IsConfigureAwaitWithoutContext(IOperation operation)
    {
        if (operation is not IInvocationOperation invocation)
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is null || argument.Parameter.Ordinal != invocation.TargetMethod.Parameters.Length - 1)
            {
                continue;
            }

            var constant = argument.Value.ConstantValue;
            if (!constant.HasValue)
            {
                return false;
            }

            return constant.Value switch
            {
                bool b => !b,
                // ConfigureAwaitOptions: bit 1 is ContinueOnCapturedContext.
                int options => (options & 1) == 0,
                _ => false,
            };
        }

        return false;
    }

    /// <summary>
    /// The durable chat client journals its calls, so they are not reported. It is recognised by where it comes from: a
    /// receiver whose static type, or the member that produced it, is declared in the DurableAgents namespace.
    /// </summary>
    private static bool IsDurableChatClientReceiver(IOperation operation)
    {
        IOperation? receiver = operation switch
        {
            IInvocationOperation { Instance: { } instance } => instance,
            IInvocationOperation { TargetMethod.IsExtensionMethod: true, Arguments.Length: > 0 } invocation => invocation.Arguments[0].Value,
            _ => null,
        };
        if (receiver is null)
        {
            return false;
        }

        receiver = OperationHelpers.WalkDownConversion(receiver);
        if (IsDurableAgentsSymbol(receiver.Type))
        {
            return true;
        }

        if (receiver is ILocalReferenceOperation local)
        {
            foreach (var reference in local.Local.DeclaringSyntaxReferences)
            {
                if (operation.SemanticModel?.GetOperation(reference.GetSyntax()) is IVariableDeclaratorOperation { Initializer.Value: { } init })
                {
                    receiver = OperationHelpers.WalkDownConversion(init);
                }
            }
        }

        return receiver switch
        {
            IInvocationOperation produced => IsDurableAgentsSymbol(produced.TargetMethod.ContainingType),
            IPropertyReferenceOperation produced => IsDurableAgentsSymbol(produced.Property.ContainingType),
            _ => false,
        };
    }

    private static bool IsDurableAgentsSymbol(ITypeSymbol? type)
    {
        for (var ns = type?.ContainingNamespace; ns is not null && !ns.IsGlobalNamespace; ns = ns.ContainingNamespace)
        {
            if (ns.ContainingNamespace is { IsGlobalNamespace: true } && ns.Name == "DurableAgents")
            {
                return true;
            }
        }

        return false;
    }
}
