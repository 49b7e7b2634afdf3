using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;

namespace Sweep.Storage;

/// <summary>One LR range test as stored: its settings and suggestions, and its curve.</summary>
internal sealed record LrFindRecord(long BatchSize, double StartLr, double EndLr, bool StoppedEarly, double? Steepest, double? MinimumOverTen, LrCurve Curve);

/// <summary>Writes and reads LR range tests (tables lr_finds and lr_find_points).</summary>
internal sealed class LrFindRepository(ResultsStore store)
{
    /// <summary>Stores one test and its points in one transaction.</summary>
    public long Save(string sweepName, long batchSize, string configJson, double startLr, double endLr, int steps, LrCurve curve) => store.Write((connection, tx) =>
    {
        long id = connection.ExecuteScalar<long>(
            """
            INSERT INTO lr_finds (sweep_name, batch_size, config_json, started_at, start_lr, end_lr, steps, stopped_early,
                                  suggested_lr_steepest, suggested_lr_min_tenth)
            VALUES (@sweepName, @batchSize, @configJson, @Now, @startLr, @endLr, @steps, @StoppedEarly, @Steepest, @MinimumOverTen)
            RETURNING lr_find_id;
            """,
            new
            {
                sweepName, batchSize, configJson, Now = StoredValues.Now(),
                startLr, endLr, steps, StoppedEarly = curve.StoppedEarly ? 1 : 0, Steepest = curve.SteepestDescent(), MinimumOverTen = curve.MinimumOverTen(),
            }, tx);
        connection.Execute(
            "INSERT INTO lr_find_points (lr_find_id, step, lr, loss, smoothed_loss) VALUES (@id, @Step, @Lr, @Loss, @Smoothed);",
            curve.Points.Select(p => new { id, p.Step, p.Lr, Loss = StoredValues.Number(p.Loss), Smoothed = StoredValues.Number(p.Smoothed) }), tx);
        return id;
    });

    /// <summary>The latest test per batch size of a sweep, in batch-size order.</summary>
    public IReadOnlyList<LrFindRecord> Latest(string sweepName) => store.Read<IReadOnlyList<LrFindRecord>>(connection =>
    {
        var tests = connection.Query<(long Id, long BatchSize, double StartLr, double EndLr, long StoppedEarly, double? Steepest, double? MinimumOverTen)>(
            """
            SELECT lr_find_id, batch_size, start_lr, end_lr, stopped_early, suggested_lr_steepest, suggested_lr_min_tenth
            FROM lr_finds f
            WHERE sweep_name = @sweepName AND lr_find_id = (SELECT max(lr_find_id) FROM lr_finds g WHERE g.sweep_name = f.sweep_name AND g.batch_size = f.batch_size)
            ORDER BY batch_size;
            """, new { sweepName }).ToList();
        return tests.Select(t =>
        {
            var points = connection.Query<(long Step, double Lr, double? Loss, double? Smoothed)>(
                    "SELECT step, lr, loss, smoothed_loss FROM lr_find_points WHERE lr_find_id = @Id ORDER BY step;", new { t.Id })
                .Select(p => new LrPoint((int)p.Step, p.Lr, p.Loss ?? double.NaN, p.Smoothed ?? double.NaN)).ToList();
            return new LrFindRecord(t.BatchSize, t.StartLr, t.EndLr, t.StoppedEarly != 0, t.Steepest, t.MinimumOverTen, new LrCurve(points, t.StoppedEarly != 0));
        }).ToList();
    });
}
