using Dapper;
using Microsoft.Data.Sqlite;
using static Sweep.Storage.StoredValues;

namespace Sweep.Storage;

/// <summary>One stored noise-scale measurement.</summary>
internal sealed record NoiseScaleRow(string RunId, string State, long SmallBatch, long BigBatch, long Repeats, double? GSquared, double? TraceSigma, double? BSimple);

/// <summary>Writes and reads gradient noise scales (table noise_scales).</summary>
internal sealed class NoiseScaleRepository(ResultsStore store)
{
    public void Save(string sweepName, string runId, string state, int small, int big, int repeats, double gSquared, double traceSigma, double bSimple) =>
        store.Write((connection, tx) => connection.Execute(
            """
            INSERT INTO noise_scales (sweep_name, run_id, state, small_batch, big_batch, repeats, g_squared, trace_sigma, b_simple, measured_at)
            VALUES (@sweepName, @runId, @state, @small, @big, @repeats, @G, @T, @B, @now);
            """,
            new { sweepName, runId, state, small, big, repeats, G = Number(gSquared), T = Number(traceSigma), B = Number(bSimple), now = Now() }, tx));

    /// <summary>The latest measurement per run and state of a sweep.</summary>
    public IReadOnlyList<NoiseScaleRow> Latest(string sweepName) => store.Read<IReadOnlyList<NoiseScaleRow>>(connection =>
        connection.Query<NoiseScaleRow>(
            """
            SELECT run_id, state, small_batch, big_batch, repeats, g_squared, trace_sigma, b_simple FROM noise_scales n
            WHERE sweep_name = @sweepName AND measured_at = (SELECT max(m.measured_at) FROM noise_scales m
                WHERE m.sweep_name = n.sweep_name AND m.run_id = n.run_id AND m.state = n.state)
            ORDER BY state, run_id;
            """, new { sweepName }).ToList());
}
