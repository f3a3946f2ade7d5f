using DurableAgents.Agents;
using DurableAgents.Hosting;
using Microsoft.Extensions.AI;

var builder = WebApplication.CreateBuilder(args);

// Listeners speak h2c (HTTP/2 without TLS), as Restate calls http:// deployments, with Restate's Kestrel limits.
builder.WebHost.ConfigureRestateKestrel();

// The agent's model. DurableAgentModels.FromEnvironment() reads DURABLEAGENTS_MODEL_PROVIDER (offline, openai, ollama,
// openai-compatible), OPENAI_API_KEY, OPENAI_BASE_URL and DURABLEAGENTS_MODEL; with nothing set it is the built-in
// offline model, which needs no key and no network. Register any other IChatClient here instead.
builder.Services.AddSingleton<IChatClient>(_ => DurableAgentModels.FromEnvironment());

// Generated from the [DurableAgent]/[Service]/[VirtualObject]/[Workflow] classes of this project.
builder.Services.AddRestateServices();

var app = builder.Build();
app.MapRestate(); // GET /discover, POST /invoke/{service}/{handler}, GET /health
app.Run();
