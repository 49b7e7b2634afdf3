using Dapper;
using Sweep.Storage;
using Sweep.Storage.Postgres;
using Sweep.Tests.Support;

namespace Sweep.Tests.Postgres;

/// <summary>The results schema on a real PostgreSQL server: the same tables and columns as a SQLite file of the same version.</summary>
public sealed class ServerStoreTests
{
    [Test]
    public void The_server_schema_has_the_tables_and_columns_of_the_file_schema()
    {
        PostgresServer server = PostgresServer.Shared;
        string url = server.NewDatabase();
        using var dir = new TempDir();
        using (ResultsStore.OpenForWriting(url))
        using (ResultsStore.OpenForWriting(dir.File("results.db")))
        {
        }
        using var file = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir.File("results.db")};Pooling=False");
        file.Open();
        var fileColumns = file.Query<string>(
            "SELECT m.name || '.' || c.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%';").ToHashSet();
        using var pg = server.Connect(url);
        var serverColumns = pg.Query<string>(
            "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'sweep_schema';").ToHashSet();

        Assert.That(serverColumns, Is.EquivalentTo(fileColumns));
        Assert.That(PostgresDatabase.LatestVersion, Is.EqualTo(ResultsDatabase.LatestVersion), "a new SQLite migration needs its PostgreSQL schema");
        Assert.That(pg.ExecuteScalar<int>("SELECT version FROM sweep_schema"), Is.EqualTo(ResultsDatabase.LatestVersion));
    }

    [Test]
    public void Workers_starting_together_on_an_empty_database_create_the_schema_once()
    {
        string url = PostgresServer.Shared.NewDatabase();
        var opened = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ =>
        {
            using ResultsStore store = ResultsStore.OpenForWriting(url);
            return store.Name;
        }).ToList();
        Assert.That(opened, Has.Count.EqualTo(4));
        using var pg = PostgresServer.Shared.Connect(url);
        Assert.That(pg.ExecuteScalar<long>("SELECT count(*) FROM sweep_schema"), Is.EqualTo(1));
    }
}
