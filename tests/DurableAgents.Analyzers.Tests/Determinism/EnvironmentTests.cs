using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>DA2010: process-environment and machine facts read in durable code; configuration reads are per deployment and quiet.</summary>
public class EnvironmentTests
{
    private static string InHandler(string body) => $$"""
        [Service]
        public partial class Svc
        {
            [Handler]
            public async Task<string> Run(IContext ctx)
            {
                {{body}}
                return "";
            }
        }
        """;

    [TestCase("if ({|#0:Environment.ProcessorCount|} > 4) { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); }", "Environment.ProcessorCount")]
    [TestCase("var v = {|#0:Environment.GetEnvironmentVariable(\"REGION\")|};", "Environment.GetEnvironmentVariable")]
    [TestCase("var v = {|#0:Environment.GetEnvironmentVariables()|};", "Environment.GetEnvironmentVariables")]
    [TestCase("var v = {|#0:Environment.ExpandEnvironmentVariables(\"%HOME%\")|};", "Environment.ExpandEnvironmentVariables")]
    [TestCase("var v = {|#0:Environment.MachineName|};", "Environment.MachineName")]
    [TestCase("var v = {|#0:Environment.ProcessId|};", "Environment.ProcessId")]
    [TestCase("var v = {|#0:Environment.CurrentDirectory|};", "Environment.CurrentDirectory")]
    [TestCase("var v = {|#0:Environment.OSVersion|};", "Environment.OSVersion")]
    [TestCase("var v = {|#0:Environment.Version|};", "Environment.Version")]
    [TestCase("var v = {|#0:Environment.Is64BitProcess|};", "Environment.Is64BitProcess")]
    [TestCase("var v = {|#0:Environment.SystemPageSize|};", "Environment.SystemPageSize")]
    [TestCase("var v = {|#0:Environment.CurrentManagedThreadId|};", "Environment.CurrentManagedThreadId")]
    [TestCase("var v = {|#0:Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)|};", "Environment.GetFolderPath")]
    [TestCase("var v = {|#0:Environment.GetCommandLineArgs()|};", "Environment.GetCommandLineArgs")]
    [TestCase("var v = {|#0:System.Net.Dns.GetHostName()|};", "Dns.GetHostName")]
    [TestCase("var v = {|#0:System.IO.Path.GetTempPath()|};", "Path.GetTempPath")]
    [TestCase("using var p = {|#0:System.Diagnostics.Process.GetCurrentProcess()|};", "Process.GetCurrentProcess")]
    [TestCase("var v = {|#0:TimeZoneInfo.Local|};", "TimeZoneInfo.Local")]
    [TestCase("var v = {|#0:System.Runtime.InteropServices.RuntimeInformation.OSDescription|};", "RuntimeInformation.OSDescription")]
    [TestCase("var v = {|#0:System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription|};", "RuntimeInformation.FrameworkDescription")]
    public Task MachineAndProcessFactsAreReported(string body, string api) =>
        VerifyCS.VerifyAsync(InHandler(body), VerifyCS.Diagnostic(RuleIds.EnvironmentRead).WithLocation(0).WithArguments(api, "Svc.Run"));

    [Test]
    public void EnvironmentReadIsAWarning() =>
        Assert.That(DiagnosticDescriptors.EnvironmentRead.DefaultSeverity, Is.EqualTo(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));

    [Test]
    public async Task ConfigurationAndOptionsReadsAreNotReported()
    {
        // Stand-ins with the real names: the rule must not match by name, and configuration is the same on every
        // replica of a deployment.
        await VerifyCS.VerifyAsync("""
            namespace Microsoft.Extensions.Configuration
            {
                public interface IConfiguration { string? this[string key] { get; } }
            }

            namespace Microsoft.Extensions.Options
            {
                public interface IOptions<out T> where T : class { T Value { get; } }
            }

            public sealed class ShopOptions { public int MaxItems { get; set; } = 3; }

            [Service]
            public partial class Svc(Microsoft.Extensions.Configuration.IConfiguration config, Microsoft.Extensions.Options.IOptions<ShopOptions> options)
            {
                [Handler]
                public async Task<string> Run(IContext ctx)
                {
                    if (options.Value.MaxItems > 2) { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); }
                    var v = Environment.NewLine + Environment.SpecialFolder.UserProfile;
                    return (config["Region"] ?? "eu") + v;
                }
            }
            """);
    }
}
