namespace Enamel.Storage.Sql.Migrations;

/// <summary>The record kernel's versions: every item's versions (author, time, reason, status), never updated but for the status columns, never deleted.</summary>
public sealed class M0003_RecordVersions : Migration
{
    public override int Version => 3;
    public override string Name => "Record versions";

    public override string Sql(SqlDialect d) => $"""
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

}
