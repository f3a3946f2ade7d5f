namespace DurableAgents.E2eBench;

/// <summary>CPU time and RSS of a process from /proc (Linux).</summary>
internal static class ProcStat
{
    private static readonly double TickMs = 1000.0 / ClockTicks();

    /// <summary>utime + stime of the process (all threads) in milliseconds.</summary>
    public static double CpuMs(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // the command name is in parentheses and may hold spaces: split after the last ')'
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state); utime is field 14, stime field 15
        return (long.Parse(fields[11]) + long.Parse(fields[12])) * TickMs;
    }

    /// <summary>Resident set size in KiB.</summary>
    public static long RssKiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0]);
            }
        }

        return 0;
    }

    /// <summary>Busy and total jiffies of the whole machine (first line of /proc/stat).</summary>
    public static (double BusyMs, double TotalMs) Machine()
    {
        var first = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long total = 0, idle = 0;
        for (var i = 1; i < first.Length && i <= 8; i++)
        {
            var v = long.Parse(first[i]);
            total += v;
            if (i is 4 or 5)
            {
                idle += v; // idle, iowait
            }
        }

        return ((total - idle) * TickMs, total * TickMs);
    }

    /// <summary>The pid of the process whose command line contains <paramref name="marker"/>.</summary>
    public static int? FindProcess(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmd = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmd.Contains(marker, StringComparison.Ordinal) && cmd.Contains("restate-server", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    private static int ClockTicks()
    {
        // USER_HZ is 100 on every Linux x64 build we run on; getconf confirms it when available.
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true });
            var text = p!.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return int.TryParse(text.Trim(), out var hz) && hz > 0 ? hz : 100;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 100;
        }
    }
}
