using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Sweep.Tests.Support;

/// <summary>
/// A real PostgreSQL server for the tests: Debian's binaries, a throwaway cluster in a temporary
/// folder, listening on a free loopback port. The user "sweep" connects without a password; the
/// user "guarded" needs the password "right" (for the wrong-password test). Run as root (as CI
/// does), the cluster belongs to the "postgres" user, because initdb refuses root.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    private static readonly Lazy<PostgresServer> SharedServer = new(Start);
    private static int _databases;

    private readonly string _folder;
    private readonly string _bin;

    private PostgresServer(string folder, string bin, int port)
    {
        _folder = folder;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server most tests share, started on first use and stopped when the test run ends.</summary>
    public static PostgresServer Shared
    {
        get
        {
            Require();
            return SharedServer.Value;
        }
    }

    /// <summary>A server of the test's own, which it may stop and start.</summary>
    public static PostgresServer StartOwn()
    {
        Require();
        return Start();
    }

    private static void Require() =>
        Requirement.Installed(Binaries() is not null, "PostgreSQL's server programs (Debian's postgresql) are not installed");

    public static void StopShared()
    {
        if (SharedServer.IsValueCreated)
        {
            SharedServer.Value.Dispose();
        }
    }

    /// <summary>A fresh, empty database on this server, and the --db URL that names it.</summary>
    public string NewDatabase()
    {
        string name = $"sweep_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=sweep;Database=postgres;Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return Url(name);
    }

    public string Url(string database, string user = "sweep") => $"postgresql://{user}@127.0.0.1:{Port}/{database}";

    /// <summary>A connection for checking what the server holds, as psql would.</summary>
    public NpgsqlConnection Connect(string url)
    {
        string database = url[(url.LastIndexOf('/') + 1)..];
        var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=sweep;Database={database};Pooling=false");
        connection.Open();
        return connection;
    }

    private static PostgresServer Start()
    {
        string bin = Binaries() ?? throw new InvalidOperationException("no PostgreSQL binaries");
        string folder = Path.Combine(Path.GetTempPath(), $"sweep-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        string data = Path.Combine(folder, "data");
        File.WriteAllText(Path.Combine(folder, "pw"), "right\n");
        OwnForServer(folder);
        RunAs(bin, "initdb", "-D", data, "-U", "sweep", "--auth-local=trust", "--auth-host=trust", "-E", "UTF8", "--locale=C.UTF-8");
        File.WriteAllText(Path.Combine(data, "pg_hba.conf"),
            "local all all trust\nhost all guarded 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\n");
        OwnForServer(folder);
        var server = new PostgresServer(folder, bin, FreePort());
        server.Restart();
        using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={server.Port};Username=sweep;Database=postgres;Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand("CREATE ROLE guarded LOGIN PASSWORD 'right'; ", connection);
        command.ExecuteNonQuery();
        return server;
    }

    /// <summary>Starts the server (again, after <see cref="Kill"/>) on its port, with its data.</summary>
    public void Restart() => Control("start", "-w", "-t", "60", "-l", Path.Combine(_folder, "log"),
        "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50");

    /// <summary>Stops the server at once, as a crash or a lost network would (no goodbye to clients).</summary>
    public void Kill() => Control("stop", "-m", "immediate", "-w");

    public void Dispose()
    {
        try
        {
            Control("stop", "-m", "immediate", "-w");
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }
        Directory.Delete(_folder, recursive: true);
    }

    private void Control(params string[] args) => RunAs(_bin, "pg_ctl", ["-D", Path.Combine(_folder, "data"), .. args]);

    private static string? Binaries() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
        : null;

    private static bool IsRoot => Environment.UserName == "root";

    private static void OwnForServer(string folder)
    {
        if (IsRoot)
        {
            Run("chown", "-R", "postgres:postgres", folder);
        }
    }

    private static void RunAs(string bin, string program, params string[] args)
    {
        string path = Path.Combine(bin, program);
        if (IsRoot)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. args]);
        }
        else
        {
            Run(path, args);
        }
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {output.Result}{error.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
