using Sweep.Tests.Support;

/// <summary>Stops the shared PostgreSQL server when the test run ends (outside any namespace: it applies to the whole assembly).</summary>
[SetUpFixture]
public sealed class PostgresServerLifetime
{
    [OneTimeTearDown]
    public void StopServer() => PostgresServer.StopShared();
}
