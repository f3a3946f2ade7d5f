using DurableAgents.Hosting;

var builder = WebApplication.CreateBuilder(args);

// Listeners speak h2c (HTTP/2 without TLS), as Restate calls http:// deployments, with Restate's Kestrel limits.
builder.WebHost.ConfigureRestateKestrel();

// Generated from the [Service]/[VirtualObject]/[Workflow] classes of this project.
builder.Services.AddRestateServices();

var app = builder.Build();
app.MapRestate(); // GET /discover, POST /invoke/{service}/{handler}, GET /health
app.Run();
