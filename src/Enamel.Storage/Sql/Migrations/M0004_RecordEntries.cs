namespace Enamel.Storage.Sql.Migrations;

/// <summary>
/// The clinical record's entries (conditions, procedures, notes, lab cases …): one row per version, the body sealed under
/// the patient's data key; in the clear only kind, id, patient key, version, workflow state, recorded time and version
/// status. Rows are never updated but for the status columns (and a patient merge, which moves and re-seals them).
/// Blind code tokens per version row find entries by code.
/// </summary>
public sealed class M0004_RecordEntries : Migration
{
    public override int Version => 4;
    public override string Name => "Record entries";

    public override string Sql(SqlDialect d) => $"""
        CREATE TABLE IF NOT EXISTS record_entries (
            pk {d.IdentityColumn},
            kind TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            patient_key BIGINT NOT NULL,
            version INTEGER NOT NULL,
            state TEXT NOT NULL,
            recorded TEXT NOT NULL,
            status TEXT NOT NULL,
            sealed TEXT NOT NULL,
            status_author TEXT NULL,
            status_time TEXT NULL,
            status_sealed TEXT NULL,
            UNIQUE (kind, entry_id, version));
        CREATE INDEX IF NOT EXISTS ix_record_entries_patient ON record_entries (patient_key, kind) WHERE status <> 'superseded';
        CREATE INDEX IF NOT EXISTS ix_record_entries_latest ON record_entries (kind, recorded) WHERE status <> 'superseded';
        CREATE TABLE IF NOT EXISTS record_entry_tokens (
            token TEXT NOT NULL,
            entry_pk BIGINT NOT NULL REFERENCES record_entries (pk),
            PRIMARY KEY (token, entry_pk));
        """;
}
