namespace Enamel.Storage.Sql;

/// <summary>
/// The <c>record_versions</c> table (every item's versions: author, time, reason, status; never updated but for the
/// status columns, never deleted), kept apart from <see cref="Schema"/> so it becomes one numbered migration as it is.
/// <see cref="Create"/> is idempotent and run by every store that reads or writes the table.
/// </summary>
internal static class RecordVersionsSchema
{
    public static string Create(SqlDialect d) => $"""
        CREATE TABLE IF NOT EXISTS record_versions (
            pk {d.IdentityColumn},
            kind TEXT NOT NULL,
            item_id TEXT NOT NULL,
            patient_key BIGINT NOT NULL,
            version_number INTEGER NOT NULL,
            author TEXT NOT NULL,
            recorded TEXT NOT NULL,
            reason TEXT NOT NULL,
            status TEXT NOT NULL,
            status_author TEXT NULL,
            status_time TEXT NULL,
            status_reason TEXT NULL,
            UNIQUE (kind, item_id, version_number));
        CREATE INDEX IF NOT EXISTS ix_record_versions_patient ON record_versions (patient_key);
        CREATE INDEX IF NOT EXISTS ix_record_versions_withdrawn ON record_versions (kind, item_id) WHERE status = 'entered-in-error';
        """;

    public const string Current = "current", Superseded = "superseded", EnteredInError = "entered-in-error";

    /// <summary>
    /// "The instance <paramref name="sopUidColumn"/> is not withdrawn": the reads and searches of the archive leave out
    /// instances marked entered-in-error (answered by the small partial index <c>ix_record_versions_withdrawn</c>).
    /// </summary>
    public static string NotWithdrawn(string sopUidColumn) =>
        $"NOT EXISTS (SELECT 1 FROM record_versions rv WHERE rv.kind = 'instance' AND rv.item_id = {sopUidColumn} AND rv.status = '{EnteredInError}')";
}
