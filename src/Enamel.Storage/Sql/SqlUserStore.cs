using System.Data.Common;
using Enamel.Core.Accounts;

namespace Enamel.Storage.Sql;

/// <summary>Users with their roles, clinic memberships, dependants and recovery codes.</summary>
public sealed class SqlUserStore : IUserStore
{
    private readonly SqlDb db;

    public SqlUserStore(SqlDialect dialect, SqlChange? change = null) => db = new SqlDb(dialect, change);

    private const string Select = """
        SELECT id, user_name, display_name, password_hash, must_change_password, disabled, totp_secret, totp_last_step,
               failed_logins, locked_until, patient_key, created FROM users
        """;

    public async Task<bool> AddAsync(User user, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginAsync(ct);
        try
        {
            await SqlDb.ExecuteAsync(c, tx, """
                INSERT INTO users (id, user_name, display_name, password_hash, must_change_password, disabled, totp_secret, totp_last_step,
                                   failed_logins, locked_until, patient_key, created)
                VALUES (@id, @name, @display, '', 0, 0, NULL, 0, 0, NULL, NULL, @created)
                """, ct, ("@id", user.Id), ("@name", user.UserName), ("@display", user.DisplayName), ("@created", SqlDb.Time(user.Created)));
        }
        catch (DbException ex) when (db.Dialect.IsUniqueViolation(ex))
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        await SaveAsync(c, tx, user, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task UpdateAsync(User user, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginAsync(ct);
        await SaveAsync(c, tx, user, ct);
        await tx.CommitAsync(ct);
    }

    private static async Task SaveAsync(DbConnection c, DbTransaction tx, User u, CancellationToken ct)
    {
        int n = await SqlDb.ExecuteAsync(c, tx, """
            UPDATE users SET display_name = @display, password_hash = @hash, must_change_password = @must, disabled = @disabled,
                totp_secret = @totp, totp_last_step = @step, failed_logins = @failed, locked_until = @locked, patient_key = @patient
            WHERE id = @id
            """, ct, ("@id", u.Id), ("@display", u.DisplayName), ("@hash", u.PasswordHash), ("@must", u.MustChangePassword ? 1L : 0L),
            ("@disabled", u.Disabled ? 1L : 0L), ("@totp", u.TotpSecret), ("@step", u.TotpLastStep), ("@failed", (long)u.FailedLogins),
            ("@locked", u.LockedUntil is { } l ? SqlDb.Time(l) : null), ("@patient", u.PatientKey));
        if (n != 1) throw new InvalidOperationException($"user {u.Id} does not exist");
        foreach (var table in new[] { "user_roles", "memberships", "dependants" })
            await SqlDb.ExecuteAsync(c, tx, $"DELETE FROM {table} WHERE user_id = @id", ct, ("@id", u.Id));
        foreach (var role in u.Roles.Distinct())
            await SqlDb.ExecuteAsync(c, tx, "INSERT INTO user_roles (user_id, role) VALUES (@id, @role)", ct, ("@id", u.Id), ("@role", role));
        foreach (var clinic in u.Clinics)
            await SqlDb.ExecuteAsync(c, tx, "INSERT INTO memberships (user_id, clinic) VALUES (@id, @clinic)", ct, ("@id", u.Id), ("@clinic", clinic));
        foreach (var patient in u.Dependants)
            await SqlDb.ExecuteAsync(c, tx, "INSERT INTO dependants (user_id, patient_key) VALUES (@id, @p)", ct, ("@id", u.Id), ("@p", patient));
    }

    public async Task<User?> FindByNameAsync(string userName, CancellationToken ct) => (await LoadAsync(" WHERE user_name = @v", userName, ct)).SingleOrDefault();
    public async Task<User?> FindByIdAsync(string id, CancellationToken ct) => (await LoadAsync(" WHERE id = @v", id, ct)).SingleOrDefault();
    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken ct) => await LoadAsync(" ORDER BY user_name", null, ct);

    public async Task<long> CountAsync(CancellationToken ct) => (await db.ListAsync<long>("SELECT COUNT(*) FROM users", null, ct))[0];

    private async Task<List<User>> LoadAsync(string where, string? value, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var users = new List<User>();
        foreach (var row in await SqlDb.ListAsync<Row>(c, c.Transaction, Select + where, new { v = value }, ct))
        {
            var id = row.Id;
            users.Add(row.ToUser() with
            {
                Roles = await SqlDb.ListAsync<string>(c, c.Transaction, "SELECT role FROM user_roles WHERE user_id = @id ORDER BY role", new { id }, ct),
                Clinics = new HashSet<string>(await SqlDb.ListAsync<string>(c, c.Transaction, "SELECT clinic FROM memberships WHERE user_id = @id", new { id }, ct)),
                Dependants = new HashSet<long>(await SqlDb.ListAsync<long>(c, c.Transaction, "SELECT patient_key FROM dependants WHERE user_id = @id", new { id }, ct)),
            });
        }
        return users;
    }

    /// <summary>A users row, mapped by column name (booleans are 0/1).</summary>
    private sealed class Row
    {
        public string Id { get; init; } = "";
        public string UserName { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string PasswordHash { get; init; } = "";
        public long MustChangePassword { get; init; }
        public long Disabled { get; init; }
        public string? TotpSecret { get; init; }
        public long TotpLastStep { get; init; }
        public long FailedLogins { get; init; }
        public string? LockedUntil { get; init; }
        public long? PatientKey { get; init; }
        public string Created { get; init; } = "";

        public User ToUser() => new(Id, UserName, DisplayName, [], new HashSet<string>(), SqlDb.Time(Created))
        {
            PasswordHash = PasswordHash,
            MustChangePassword = MustChangePassword != 0,
            Disabled = Disabled != 0,
            TotpSecret = TotpSecret,
            TotpLastStep = TotpLastStep,
            FailedLogins = (int)FailedLogins,
            LockedUntil = LockedUntil is null ? null : SqlDb.Time(LockedUntil),
            PatientKey = PatientKey,
        };
    }

    public async Task ReplaceRecoveryCodesAsync(string userId, IReadOnlyList<string> codeHashes, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginAsync(ct);
        await SqlDb.ExecuteAsync(c, tx, "DELETE FROM recovery_codes WHERE user_id = @id", ct, ("@id", userId));
        foreach (var h in codeHashes.Distinct())
            await SqlDb.ExecuteAsync(c, tx, "INSERT INTO recovery_codes (user_id, code_hash) VALUES (@id, @h)", ct, ("@id", userId), ("@h", h));
        await tx.CommitAsync(ct);
    }

    public async Task<bool> ConsumeRecoveryCodeAsync(string userId, string codeHash, CancellationToken ct) =>
        await db.ExecuteAsync("DELETE FROM recovery_codes WHERE user_id = @id AND code_hash = @h", ct, ("@id", userId), ("@h", codeHash)) == 1;

    /// <summary>Adds or renames a clinic.</summary>
    public Task SaveClinicAsync(string code, string name, CancellationToken ct) =>
        db.ExecuteAsync("INSERT INTO clinics (code, name) VALUES (@c, @n) ON CONFLICT (code) DO UPDATE SET name = @n", ct, ("@c", code), ("@n", name));

    public async Task<IReadOnlyList<(string Code, string Name)>> ListClinicsAsync(CancellationToken ct) =>
        [.. (await db.ListAsync<ClinicRow>("SELECT code, name FROM clinics ORDER BY code", null, ct)).Select(r => (r.Code, r.Name))];

    private sealed class ClinicRow
    {
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
    }
}
