using System.Data.Common;
using System.Globalization;

namespace Enamel.Storage.Sql;

/// <summary>
/// Whether the database answers and carries the schema this release writes: the readiness probe's database check.
/// Today the newest schema steps are the patients' clinic column and the audit trail; when the schema becomes a
/// numbered series of migrations, this asks for the recorded schema version instead.
/// </summary>
public static class SqlReadiness
{
    private static readonly (string Table, string Column)[] NewestSchema = [("patients", "clinic"), ("audit_log", "hash")];

    public static async Task<bool> IsCurrentAsync(SqlDialect dialect, CancellationToken ct)
    {
        try
        {
            await using var c = await new SqlDb(dialect).OpenAsync(ct);
            foreach (var (table, column) in NewestSchema)
            {
                await using var cmd = SqlDb.Command(c, null, dialect.ColumnExistsQuery, ("@table", table), ("@column", column));
                if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0) return false;
            }
            return true;
        }
        catch (DbException)
        {
            return false; // unreachable, refused or broken: not ready (the probe says which check failed, not why)
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
