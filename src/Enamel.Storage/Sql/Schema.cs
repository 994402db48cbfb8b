namespace Enamel.Storage.Sql;

/// <summary>The metadata schema, shared by both providers (only the identity column differs).</summary>
internal static class Schema
{
    public static string Create(SqlDialect d) => $"""
        CREATE TABLE IF NOT EXISTS patients (
            pk {d.IdentityColumn},
            patient_id TEXT NOT NULL,
            issuer TEXT NOT NULL,
            patient_name TEXT NOT NULL,
            birth_date TEXT NOT NULL,
            sex TEXT NOT NULL,
            data_key TEXT NOT NULL,
            created TEXT NOT NULL,
            clinic TEXT NOT NULL,
            UNIQUE (patient_id, issuer));
        CREATE TABLE IF NOT EXISTS studies (
            pk {d.IdentityColumn},
            patient_pk BIGINT NOT NULL REFERENCES patients (pk),
            study_uid TEXT NOT NULL UNIQUE,
            study_date TEXT NOT NULL,
            study_time TEXT NOT NULL,
            accession TEXT NOT NULL,
            study_id TEXT NOT NULL,
            study_description TEXT NOT NULL,
            referring_physician TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS series (
            pk {d.IdentityColumn},
            study_pk BIGINT NOT NULL REFERENCES studies (pk),
            series_uid TEXT NOT NULL UNIQUE,
            modality TEXT NOT NULL,
            series_number TEXT NOT NULL,
            series_description TEXT NOT NULL,
            body_part TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS instances (
            pk {d.IdentityColumn},
            series_pk BIGINT NOT NULL REFERENCES series (pk),
            sop_uid TEXT NOT NULL UNIQUE,
            sop_class_uid TEXT NOT NULL,
            instance_number TEXT NOT NULL,
            frames TEXT NOT NULL,
            num_rows TEXT NOT NULL,
            num_columns TEXT NOT NULL,
            blob_id TEXT NOT NULL,
            blob_length BIGINT NOT NULL,
            sha256 TEXT NOT NULL,
            data_key TEXT NOT NULL,
            transfer_syntax TEXT NOT NULL,
            received TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS instance_versions (
            pk {d.IdentityColumn},
            sop_uid TEXT NOT NULL,
            blob_id TEXT NOT NULL,
            blob_length BIGINT NOT NULL,
            sha256 TEXT NOT NULL,
            data_key TEXT NOT NULL,
            transfer_syntax TEXT NOT NULL,
            received TEXT NOT NULL,
            superseded TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_instance_versions_sop ON instance_versions (sop_uid);
        CREATE TABLE IF NOT EXISTS review_flags (
            pk {d.IdentityColumn},
            patient_pk BIGINT NOT NULL REFERENCES patients (pk),
            sop_uid TEXT NOT NULL,
            reason TEXT NOT NULL,
            created TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_patients_name ON patients (patient_name);
        CREATE INDEX IF NOT EXISTS ix_studies_patient ON studies (patient_pk);
        CREATE INDEX IF NOT EXISTS ix_studies_date ON studies (study_date);
        CREATE INDEX IF NOT EXISTS ix_studies_accession ON studies (accession);
        CREATE INDEX IF NOT EXISTS ix_series_study ON series (study_pk);
        CREATE INDEX IF NOT EXISTS ix_series_modality ON series (modality);
        CREATE INDEX IF NOT EXISTS ix_instances_series ON instances (series_pk);
        """;

    /// <summary>
    /// Databases created before patients belonged to a clinic: the column is added and every existing patient is put
    /// in the configured default clinic (one transaction; run after <see cref="Create"/>, which leaves an old table as it is).
    /// </summary>
    public const string AddPatientClinic = "ALTER TABLE patients ADD COLUMN clinic TEXT NOT NULL DEFAULT ''";
    public const string FillPatientClinic = "UPDATE patients SET clinic = @clinic WHERE clinic = ''";

    /// <summary>Indexes on migrated columns, created once the column is there.</summary>
    public const string MigratedIndexes = "CREATE INDEX IF NOT EXISTS ix_patients_clinic ON patients (clinic);";
}
