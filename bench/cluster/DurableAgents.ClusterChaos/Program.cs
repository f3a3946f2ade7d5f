using System.Runtime.InteropServices;
using DurableAgents.ClusterChaos;
using DurableAgents.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// DurableAgents.ClusterChaos cluster|random-kill [options]   the driver (see ChaosSettings.Usage)
// DurableAgents.ClusterChaos serve                           one service replica on 127.0.0.1:$PORT (started by the driver)
if (args.Length > 0 && args[0] == "serve")
{
    var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? throw new InvalidOperationException("serve needs PORT"), System.Globalization.CultureInfo.InvariantCulture);
    await using var host = await RestateHost.StartAsync(port, _ => { }, services: s => s.AddRestateServices(), minimumLogLevel: LogLevel.Warning);
    Console.WriteLine($"listening on {host.Uri}");
    await Task.Delay(Timeout.Infinite);
    return 0;
}

ChaosSettings settings;
try
{
    settings = ChaosSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// Ctrl+C or SIGTERM: kill the nodes, replicas and HAProxy before the driver exits, so nothing is left running.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => ChildProcess.KillAll());
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => ChildProcess.KillAll());
return await new ChaosRunner(settings).RunAsync();
