using System.Data.Common;
using System.Globalization;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Sweep.Storage;

/// <summary>
/// Copies a table's rows, column by column as named, between two results databases of the same
/// schema (a file and a server): into a file with one prepared insert, into a server with binary
/// COPY, so a large sweep (a million epoch rows) moves in seconds rather than minutes.
/// </summary>
internal static class TableRows
{
    /// <summary>Copies every row of <paramref name="fromTable"/> into <paramref name="toTable"/>, whose columns are those of <paramref name="shapeTable"/>; returns the rows copied.</summary>
    public static long Copy(DbConnection from, string fromTable, DbConnection to, DbTransaction toTx, string toTable, string shapeTable)
    {
        using DbCommand read = from.CreateCommand();
        read.CommandText = $"SELECT * FROM {fromTable};";
        using DbDataReader reader = read.ExecuteReader();
        string[] columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        return to is NpgsqlConnection server
            ? CopyIn(reader, columns, server, toTable, shapeTable)
            : Insert(reader, columns, to, toTx, toTable);
    }

    private static long Insert(DbDataReader reader, string[] columns, DbConnection to, DbTransaction tx, string table)
    {
        using DbCommand insert = to.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))});";
        DbParameter[] parameters = columns.Select((_, i) =>
        {
            DbParameter p = insert.CreateParameter();
            p.ParameterName = "@p" + i;
            insert.Parameters.Add(p);
            return p;
        }).ToArray();
        long rows = 0;
        while (reader.Read())
        {
            for (int i = 0; i < columns.Length; i++)
            {
                parameters[i].Value = reader.IsDBNull(i) ? DBNull.Value : reader.GetValue(i);
            }
            insert.ExecuteNonQuery();
            rows++;
        }
        return rows;
    }

    private static long CopyIn(DbDataReader reader, string[] columns, NpgsqlConnection server, string table, string shapeTable)
    {
        var types = server.Query<(string Name, string Type)>(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @shapeTable;",
                new { shapeTable })
            .ToDictionary(c => c.Name, c => c.Type);
        NpgsqlDbType[] kinds = columns.Select(c => types[c] switch
        {
            "bigint" => NpgsqlDbType.Bigint,
            "integer" => NpgsqlDbType.Integer,
            "double precision" => NpgsqlDbType.Double,
            _ => NpgsqlDbType.Text,
        }).ToArray();
        using NpgsqlBinaryImporter import = server.BeginBinaryImport($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)");
        long rows = 0;
        while (reader.Read())
        {
            import.StartRow();
            for (int i = 0; i < columns.Length; i++)
            {
                if (reader.IsDBNull(i))
                {
                    import.WriteNull();
                    continue;
                }
                object value = reader.GetValue(i);
                switch (kinds[i])
                {
                    case NpgsqlDbType.Bigint: import.Write(Convert.ToInt64(value, CultureInfo.InvariantCulture), kinds[i]); break;
                    case NpgsqlDbType.Integer: import.Write(Convert.ToInt32(value, CultureInfo.InvariantCulture), kinds[i]); break;
                    case NpgsqlDbType.Double: import.Write(Convert.ToDouble(value, CultureInfo.InvariantCulture), kinds[i]); break;
                    default: import.Write(Convert.ToString(value, CultureInfo.InvariantCulture)!, kinds[i]); break;
                }
            }
            rows++;
        }
        import.Complete();
        return rows;
    }
}
