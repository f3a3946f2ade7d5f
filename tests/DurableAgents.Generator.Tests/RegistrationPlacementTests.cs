using System.Reflection;
using DurableAgents.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Generator.Tests;

/// <summary>
/// Where <c>AddRestateServices</c> is generated: in <c>Microsoft.Extensions.DependencyInjection</c>, so a top-level
/// Program.cs finds it with the SDK's implicit usings only, in a class named after the assembly, so two generated
/// assemblies referenced by one app (even with internals visible) never clash.
/// </summary>
public class RegistrationPlacementTests
{
    /// <summary>What <c>Microsoft.NET.Sdk.Web</c> writes into <c>{Project}.GlobalUsings.g.cs</c> (ImplicitUsings=enable).</summary>
    private const string WebSdkImplicitUsings = """
        global using global::Microsoft.Extensions.DependencyInjection;
        global using global::System;
        global using global::System.Linq;
        global using global::System.Threading.Tasks;
        """;

    private static string Service(string ns, string name) => $$"""
        using System.Threading.Tasks;
        using DurableAgents;

        namespace {{ns}};

        [Service("{{name}}")]
        public partial class {{name}}
        {
            [Handler]
            public static Task<string> PingAsync(IContext context, string text) => Task.FromResult(text);
        }
        """;

    [Test]
    public void ExtensionIsInTheDependencyInjectionNamespaceInAClassNamedAfterTheAssembly()
    {
        var compilation = GeneratorHarness.Compile([Service("Shop.Api.Services", "Orders")], "Shop.Api-Host", OutputKind.DynamicallyLinkedLibrary, []);
        var (_, output, _) = GeneratorHarness.Run(compilation);
        Assert.That(GeneratorHarness.Problems(output), Is.Empty);
        var extensions = output.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.RestateServiceCollectionExtensions_Shop_Api_Host");
        Assert.That(extensions, Is.Not.Null, "the class is named after the assembly, with non-identifier characters replaced");
        Assert.That(extensions!.DeclaredAccessibility, Is.EqualTo(Accessibility.Internal));
        Assert.That(extensions.GetMembers("AddRestateServices").OfType<IMethodSymbol>().Single().IsExtensionMethod, Is.True);
        Assert.That(output.GetTypeByMetadataName("Shop.Api_Host.RestateJson"), Is.Not.Null,
            "RestateJson stays in the registration namespace (root namespace, else the assembly name)");
    }

    [Test]
    public void TopLevelProgramWithoutAUsingFindsAddRestateServicesAndRuns()
    {
        const string program = """
            var services = new ServiceCollection();
            services.AddRestateServices();
            using var provider = services.BuildServiceProvider();
            var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<DurableAgents.Hosting.RestateEndpointOptions>>().Value;
            Console.Out.Write(string.Join(",", options.Services.Select(s => s.Name)));
            """;
        var compilation = GeneratorHarness.Compile(
            [WebSdkImplicitUsings, program, Service("TopLevel.Services", "Orders"), Service("TopLevel.Other", "Billing")],
            "TopLevel",
            OutputKind.ConsoleApplication,
            [
                MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.ServiceProvider).Assembly.Location),
                MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Options.IOptions<>).Assembly.Location),
            ]);
        var (_, output, _) = GeneratorHarness.Run(compilation);
        Assert.That(GeneratorHarness.Problems(output), Is.Empty, "no CS1061: the extension is found through the SDK's implicit usings");

        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.That(emit.Success, Is.True, string.Join("\n", emit.Diagnostics));
        var assembly = Assembly.Load(stream.ToArray());
        var writer = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(writer);
        try
        {
            assembly.EntryPoint!.Invoke(null, [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.That(writer.ToString(), Is.EqualTo("Billing,Orders"), "the program ran and bound both services (ordinal by class name)");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AnAppReferencingTwoGeneratedAssembliesCompiles(bool internalsVisible)
    {
        MetadataReference Library(string name)
        {
            var sources = new List<string> { Service(name + ".Services", name + "Service") };
            if (internalsVisible)
            {
                sources.Add("[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"App\")]");
            }

            var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.Compile(sources, name, OutputKind.DynamicallyLinkedLibrary, []));
            Assert.That(GeneratorHarness.Problems(output), Is.Empty);
            using var stream = new MemoryStream();
            Assert.That(output.Emit(stream).Success, Is.True);
            return MetadataReference.CreateFromImage(stream.ToArray());
        }

        var libraries = new[] { Library("LibA"), Library("LibB") };
        // With InternalsVisibleTo the libraries' extensions are visible too, so the call names the app's own class
        // (docs/generator.md); the types never collide.
        var call = internalsVisible ? "RestateServiceCollectionExtensions_App.AddRestateServices(services)" : "services.AddRestateServices()";
        var source = $$"""
            using Microsoft.Extensions.DependencyInjection;

            namespace App;

            public static class Startup
            {
                public static IServiceCollection Configure(IServiceCollection services) => {{call}};
            }
            """;
        var compilation = GeneratorHarness.Compile([source, Service("App.Services", "AppService")], "App", OutputKind.DynamicallyLinkedLibrary, libraries);
        var (_, output, _) = GeneratorHarness.Run(compilation);
        Assert.That(GeneratorHarness.Problems(output), Is.Empty,
            "no duplicate type (CS0436) and, without InternalsVisibleTo, no ambiguous AddRestateServices (CS0121)");
    }
}
