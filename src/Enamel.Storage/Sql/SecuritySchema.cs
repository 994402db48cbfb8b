namespace Enamel.Storage.Sql;

/// <summary>
/// Accounts, roles, clinics, sessions, tokens, break-glass grants and the audit trail; shared by both providers.
/// Times are UTC round-trip text, booleans 0/1, secrets only as hashes or sealed (see docs/security.md).
/// </summary>
internal static class SecuritySchema
{
    public static string Create(SqlDialect d) => $"""
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
}
