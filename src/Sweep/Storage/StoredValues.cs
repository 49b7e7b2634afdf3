using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Sweep.Storage;

/// <summary>How values are written to the results database, the same for every repository.</summary>
internal static class StoredValues
{
    /// <summary>The time as stored: ISO 8601, UTC, milliseconds.</summary>
    public static string Now() => Stamp(DateTimeOffset.UtcNow);

    /// <summary>A time as stored (see <see cref="Now"/>).</summary>
    public static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>SQLite has no NaN (it refuses to bind one); store NULL. Infinities are kept.</summary>
    public static double? Number(double value) => double.IsNaN(value) ? null : value;

    /// <summary>
    /// "column is one of the list parameter": Dapper writes a list out as one parameter per item for
    /// SQLite (IN @ids) and passes it whole as an array to PostgreSQL, which takes = ANY(@ids).
    /// </summary>
    public static string InList(DbConnection connection, string column, string parameter) =>
        connection is Npgsql.NpgsqlConnection ? $"{column} = ANY({parameter})" : $"{column} IN {parameter}";

    /// <summary>A flag as stored: 1 or 0 (an integer column in SQLite and PostgreSQL alike).</summary>
    public static int Flag(bool value) => value ? 1 : 0;

    /// <inheritdoc cref="Number(double)"/>
    public static double? Number(double? value) => value is { } v ? Number(v) : null;
}
