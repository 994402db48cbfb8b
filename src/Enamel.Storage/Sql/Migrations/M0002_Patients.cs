namespace Enamel.Storage.Sql.Migrations;

/// <summary>
/// First-class patients: sealed demographics and their versions, identifiers with a unique blind token each, search
/// tokens, sealed study and series descriptions (with the data key that sealed them), and the vault's settings (the
/// blind index key). The plaintext an older release wrote is sealed and emptied by code that holds the keys
/// (<see cref="Patients.SqlPatientStore"/> at open), not here.
/// </summary>
public sealed class M0002_Patients : Migration
{
    public override int Version => 2;
    public override string Name => "Patients first-class, sealed fields, blind indexes";

    public override string Sql(SqlDialect d) => $"""
        ALTER TABLE patients ADD COLUMN sealed TEXT NOT NULL DEFAULT '';
        ALTER TABLE patients ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
        ALTER TABLE patients ADD COLUMN merged_into BIGINT NULL;
        ALTER TABLE patients ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
        ALTER TABLE studies ADD COLUMN sealed TEXT NOT NULL DEFAULT '';
        ALTER TABLE studies ADD COLUMN data_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE series ADD COLUMN sealed TEXT NOT NULL DEFAULT '';
        ALTER TABLE series ADD COLUMN data_key TEXT NOT NULL DEFAULT '';
        CREATE TABLE patient_identifiers (
            pk {d.IdentityColumn},
            patient_pk BIGINT NOT NULL REFERENCES patients (pk),
            token TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            alias BIGINT NOT NULL DEFAULT 0,
            sealed TEXT NOT NULL);
        CREATE INDEX ix_patient_identifiers_patient ON patient_identifiers (patient_pk);
        CREATE TABLE patient_tokens (
            token TEXT NOT NULL,
            patient_pk BIGINT NOT NULL REFERENCES patients (pk),
            PRIMARY KEY (token, patient_pk));
        CREATE INDEX ix_patient_tokens_patient ON patient_tokens (patient_pk);
        CREATE TABLE patient_versions (
            patient_pk BIGINT NOT NULL REFERENCES patients (pk),
            version BIGINT NOT NULL,
            sealed TEXT NOT NULL,
            author TEXT NOT NULL,
            time TEXT NOT NULL,
            PRIMARY KEY (patient_pk, version));
        CREATE TABLE vault_settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL);
        """;
}
