using System.Globalization;

namespace Enamel.Storage.Sql.Migrations;

/// <summary>
/// The schema as the release before numbered migrations created it (index and security tables). Every statement is
/// idempotent, so a database written by that release (tables there, no <c>schema_version</c>) is adopted as version 1
/// by running it; a database from before patients had a clinic gets the column, filled with the default clinic.
/// </summary>
public sealed class M0001_Baseline : Migration
{
    public override int Version => 1;
    public override string Name => "Baseline";

    public override string Sql(SqlDialect d) => $"""
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
        CREATE TABLE IF NOT EXISTS clinics (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS users (
            id TEXT PRIMARY KEY,
            user_name TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            must_change_password BIGINT NOT NULL,
            disabled BIGINT NOT NULL,
            totp_secret TEXT NULL,
            totp_last_step BIGINT NOT NULL,
            failed_logins BIGINT NOT NULL,
            locked_until TEXT NULL,
            patient_key BIGINT NULL,
            created TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS user_roles (
            user_id TEXT NOT NULL REFERENCES users (id),
            role TEXT NOT NULL,
            PRIMARY KEY (user_id, role));
        CREATE TABLE IF NOT EXISTS memberships (
            user_id TEXT NOT NULL REFERENCES users (id),
            clinic TEXT NOT NULL,
            PRIMARY KEY (user_id, clinic));
        CREATE TABLE IF NOT EXISTS dependants (
            user_id TEXT NOT NULL REFERENCES users (id),
            patient_key BIGINT NOT NULL,
            PRIMARY KEY (user_id, patient_key));
        CREATE TABLE IF NOT EXISTS recovery_codes (
            user_id TEXT NOT NULL REFERENCES users (id),
            code_hash TEXT NOT NULL,
            PRIMARY KEY (user_id, code_hash));
        CREATE TABLE IF NOT EXISTS sessions (
            id_hash TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id),
            created TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            source TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_sessions_user ON sessions (user_id);
        CREATE TABLE IF NOT EXISTS pending_steps (
            kind TEXT NOT NULL,
            key_hash TEXT NOT NULL,
            payload TEXT NOT NULL,
            expires TEXT NOT NULL,
            PRIMARY KEY (kind, key_hash));
        CREATE INDEX IF NOT EXISTS ix_pending_steps_expires ON pending_steps (expires);
        CREATE TABLE IF NOT EXISTS api_tokens (
            id TEXT PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL REFERENCES users (id),
            name TEXT NOT NULL,
            scope TEXT NOT NULL,
            created TEXT NOT NULL,
            expires TEXT NOT NULL,
            revoked TEXT NULL);
        CREATE TABLE IF NOT EXISTS custom_roles (
            name TEXT PRIMARY KEY,
            description TEXT NOT NULL,
            reach TEXT NOT NULL,
            permissions TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS break_glass (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            patient_key BIGINT NOT NULL,
            reason TEXT NOT NULL,
            granted TEXT NOT NULL,
            expires TEXT NOT NULL,
            reviewed_by TEXT NULL);
        CREATE INDEX IF NOT EXISTS ix_break_glass_user ON break_glass (user_id, patient_key);
        CREATE TABLE IF NOT EXISTS audit_head (
            id BIGINT PRIMARY KEY,
            seq BIGINT NOT NULL,
            hash TEXT NOT NULL);
        INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{new string('0', 64)}') ON CONFLICT (id) DO NOTHING;
        CREATE TABLE IF NOT EXISTS audit_log (
            seq BIGINT PRIMARY KEY,
            time TEXT NOT NULL,
            actor_id TEXT NOT NULL,
            actor_role TEXT NOT NULL,
            patient_key BIGINT NULL,
            object TEXT NOT NULL,
            action TEXT NOT NULL,
            outcome TEXT NOT NULL,
            purpose TEXT NOT NULL,
            source TEXT NOT NULL,
            detail TEXT NOT NULL,
            hash TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_audit_patient ON audit_log (patient_key);
        CREATE INDEX IF NOT EXISTS ix_audit_actor ON audit_log (actor_id);
        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            seq BIGINT PRIMARY KEY,
            hash TEXT NOT NULL,
            created TEXT NOT NULL,
            key_version BIGINT NOT NULL,
            signature TEXT NOT NULL);
        """;

    public override async Task AfterSqlAsync(MigrationContext context, CancellationToken ct)
    {
        var (c, tx, dialect) = (context.Connection, context.Transaction, context.Dialect);
        await using (var has = SqlDb.Command(c, tx, dialect.ColumnExistsQuery, ("@table", "patients"), ("@column", "clinic")))
        {
            if (Convert.ToInt64(await has.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0)
            {
                // A database from before patients belonged to a clinic: every existing patient goes to the default clinic.
                if (string.IsNullOrWhiteSpace(context.Settings.DefaultClinic))
                    throw new InvalidOperationException("the default clinic (Enamel:Clinic) is empty: patients cannot be migrated into it");
                await SqlDb.ExecuteAsync(c, tx, "ALTER TABLE patients ADD COLUMN clinic TEXT NOT NULL DEFAULT ''", ct);
                await SqlDb.ExecuteAsync(c, tx, "UPDATE patients SET clinic = @clinic WHERE clinic = ''", ct, ("@clinic", context.Settings.DefaultClinic));
            }
        }
        await SqlDb.ExecuteAsync(c, tx, "CREATE INDEX IF NOT EXISTS ix_patients_clinic ON patients (clinic)", ct);
    }
}
