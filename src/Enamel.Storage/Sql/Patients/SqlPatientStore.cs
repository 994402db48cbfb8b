using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Enamel.Core.Access;
using Enamel.Core.Keys;
using Enamel.Core.Patients;
using Enamel.Storage.Crypto;

namespace Enamel.Storage.Sql.Patients;

/// <summary>
/// Patient records over SQLite or PostgreSQL. Demographics (with the DICOM Patient ID they answer with), each version,
/// each identifier, and study and series descriptions are sealed under the patient's data key (<see cref="FieldSealer"/>);
/// rows are found through blind tokens (<see cref="PatientTokens"/>): identifiers by a unique identity token, searches by
/// name, birth date, phone and identifier tokens. Legacy columns (patient_id, issuer, patient_name, birth_date) hold no
/// patient data: patient_id carries the data key id to keep its old UNIQUE constraint satisfied.
/// </summary>
public sealed class SqlPatientStore : IPatientStore
{
    private readonly SqlDialect dialect;
    private readonly Rows db;
    private readonly FieldSealer sealer;
    private readonly TimeProvider time;
    private readonly SqlChange? change;

    private SqlPatientStore(SqlDialect dialect, FieldSealer sealer, BlindIndex blind, TimeProvider time, SqlChange? change = null)
    {
        this.dialect = dialect;
        this.change = change;
        db = new Rows(dialect, change);
        this.sealer = sealer;
        Blind = blind;
        this.time = time;
    }

    /// <summary>This store inside <paramref name="scope"/>: its writes join the change's transaction and commit (or roll back) with it.</summary>
    internal SqlPatientStore In(SqlChange scope) => new(dialect, sealer, Blind, time, scope);

    /// <summary>The vault's blind index (shared with the study index's searches).</summary>
    public BlindIndex Blind { get; }

    public FieldSealer Sealer => sealer;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private const string IndexKeySetting = "blind-index-key";

    /// <summary>
    /// Loads (or creates) the vault's blind index key and seals rows an older release wrote in plaintext. Call once the
    /// migrations have run (the study index's initialization runs them).
    /// </summary>
    public static async Task<SqlPatientStore> OpenAsync(SqlDialect dialect, IKeyring keyring, FieldSealer sealer, TimeProvider time, CancellationToken ct)
    {
        var db = new Rows(dialect, null);
        var blind = new BlindIndex(await IndexKeyAsync(db, keyring, ct));
        var store = new SqlPatientStore(dialect, sealer, blind, time);
        await store.SealLegacyRowsAsync(ct);
        return store;
    }

    private static async Task<byte[]> IndexKeyAsync(Rows db, IKeyring keyring, CancellationToken ct)
    {
        var existing = await db.QueryAsync("SELECT value FROM vault_settings WHERE name = @n", r => r.Text("value"), ct, ("@n", IndexKeySetting));
        if (existing.Count == 0)
        {
            var created = await keyring.CreateDataKeyAsync(ct);
            int inserted = await db.ExecuteAsync(
                "INSERT INTO vault_settings (name, value) VALUES (@n, @v) ON CONFLICT (name) DO NOTHING", ct, ("@n", IndexKeySetting), ("@v", created.ToString()));
            if (inserted == 0) await keyring.DestroyAsync(created, ct); // another node created the key first
            existing = await db.QueryAsync("SELECT value FROM vault_settings WHERE name = @n", r => r.Text("value"), ct, ("@n", IndexKeySetting));
        }
        var raw = await keyring.UnwrapAsync(new DataKeyId(Guid.ParseExact(existing[0], "N")), ct);
        try { return HKDF.DeriveKey(HashAlgorithmName.SHA256, raw, 32, salt: null, info: "enamel blind index v1"u8.ToArray()); }
        finally { CryptographicOperations.ZeroMemory(raw); }
    }

    // ---- sealed payloads ------------------------------------------------------------------------------------------

    /// <summary>patients.sealed: the current demographics and the DICOM Patient ID and issuer answers carry.</summary>
    private sealed record CurrentPayload(Demographics Demographics, string PatientId, string Issuer);
    /// <summary>patient_versions.sealed: one version and why it was written.</summary>
    private sealed record VersionPayload(Demographics Demographics, string Reason);
    private sealed record IdentifierPayload(IdentifierType Type, string Issuer, string Value);
    /// <summary>studies.sealed (description and Study ID, which devices often fill with the Patient ID) and series.sealed (description).</summary>
    internal sealed record DescriptionPayload(string Description, string StudyId = "");

    internal static string PatientAad(long pk, long version) => $"patients.sealed|{pk}|{version}";
    private static string VersionAad(long pk, long version) => $"patient_versions.sealed|{pk}|{version}";
    private static string IdentifierAad(string token) => $"patient_identifiers.sealed|{token}";
    internal static string StudyAad(string studyUid) => $"studies.sealed|{studyUid}";
    internal static string SeriesAad(string seriesUid) => $"series.sealed|{seriesUid}";

    internal static (Demographics Demographics, string PatientId, string Issuer) OpenCurrent(byte[] fieldKey, long pk, long version, string sealedText)
    {
        var p = JsonSerializer.Deserialize<CurrentPayload>(FieldSealer.Open(fieldKey, PatientAad(pk, version), sealedText), Json)
            ?? throw new SealedFieldCorruptException("a sealed patient record is empty");
        return (p.Demographics, p.PatientId, p.Issuer);
    }

    internal static DescriptionPayload OpenDescription(byte[] fieldKey, string aad, string sealedText) =>
        sealedText.Length == 0 ? new DescriptionPayload("") : JsonSerializer.Deserialize<DescriptionPayload>(FieldSealer.Open(fieldKey, aad, sealedText), Json) ?? new DescriptionPayload("");

    private ValueTask<string> SealAsync<T>(DataKeyId key, string aad, T payload, CancellationToken ct) =>
        sealer.SealAsync(key, aad, JsonSerializer.Serialize(payload, Json), ct);

    // ---- writes ---------------------------------------------------------------------------------------------------

    public async Task<(RegistrationOutcome Outcome, long Key)> AddAsync(NewPatient patient, DataKeyId dataKey, string authorId, string reason, CancellationToken ct)
    {
        var identityTokens = patient.Identifiers.Select(i => PatientTokens.Identity(Blind, i)).ToList();
        var dicomId = patient.Identifiers.FirstOrDefault(i => i.Type == IdentifierType.DicomPatientId);
        var now = SqlDb.Time(time.GetUtcNow());
        await using var lease = await db.OpenAsync(ct);
        var c = lease.Connection;
        await using var t = await lease.BeginAsync(ct);
        var tx = t.Inner;
        if (await OwnerOfAnyAsync(c, tx, identityTokens, ct) is { } owner)
        {
            await t.RollbackAsync(ct);
            return (RegistrationOutcome.Existing, owner);
        }
        long pk;
        await using (var insert = SqlDb.Command(c, tx, """
            INSERT INTO patients (patient_id, issuer, patient_name, birth_date, sex, data_key, created, clinic, sealed, status, version)
            VALUES (@key, '', '', '', @sex, @key, @now, @clinic, '', 'active', 1) RETURNING pk
            """, ("@key", dataKey.ToString()), ("@sex", patient.Demographics.Sex), ("@now", now), ("@clinic", patient.Clinic)))
            pk = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        await SqlDb.ExecuteAsync(c, tx, "UPDATE patients SET sealed = @s WHERE pk = @pk", ct,
            ("@s", await SealAsync(dataKey, PatientAad(pk, 1), new CurrentPayload(patient.Demographics, dicomId?.Value ?? "", dicomId?.Issuer ?? ""), ct)), ("@pk", pk));
        await SqlDb.ExecuteAsync(c, tx, "INSERT INTO patient_versions (patient_pk, version, sealed, author, time) VALUES (@pk, 1, @s, @author, @now)", ct,
            ("@pk", pk), ("@s", await SealAsync(dataKey, VersionAad(pk, 1), new VersionPayload(patient.Demographics, reason), ct)), ("@author", authorId), ("@now", now));
        try
        {
            foreach (var id in patient.Identifiers) await InsertIdentifierAsync(c, tx, pk, dataKey, id, ct);
        }
        catch (DbException ex) when (dialect.IsUniqueViolation(ex))
        {
            // A concurrent registration took one of the identifiers between the check and the insert.
            await t.RollbackAsync(ct);
            // Inside a change the transaction is lost with the failed statement: the change rolls back and the caller learns only "existing".
            if (change is not null) return (RegistrationOutcome.Existing, 0);
            await using var again = await db.OpenAsync(ct);
            return (RegistrationOutcome.Existing, await OwnerOfAnyAsync(again.Connection, null, identityTokens, ct) ?? throw new InvalidOperationException("identifier conflict without an owner"));
        }
        await InsertTokensAsync(c, tx, pk, PatientTokens.Search(Blind, patient.Demographics, patient.Identifiers), ct);
        await t.CommitAsync(ct);
        return (RegistrationOutcome.Created, pk);
    }

    private async Task InsertIdentifierAsync(DbConnection c, DbTransaction tx, long pk, DataKeyId key, PatientIdentifier id, CancellationToken ct)
    {
        var token = PatientTokens.Identity(Blind, id);
        await SqlDb.ExecuteAsync(c, tx, "INSERT INTO patient_identifiers (patient_pk, token, kind, alias, sealed) VALUES (@pk, @t, @kind, @alias, @s)", ct,
            ("@pk", pk), ("@t", token), ("@kind", PatientTokens.Code(id.Type)), ("@alias", id.Alias ? 1L : 0L),
            ("@s", await SealAsync(key, IdentifierAad(token), new IdentifierPayload(id.Type, id.Issuer, id.Value), ct)));
    }

    private static async Task InsertTokensAsync(DbConnection c, DbTransaction tx, long pk, IEnumerable<string> tokens, CancellationToken ct)
    {
        foreach (var t in tokens)
            await SqlDb.ExecuteAsync(c, tx, "INSERT INTO patient_tokens (token, patient_pk) VALUES (@t, @pk) ON CONFLICT DO NOTHING", ct, ("@t", t), ("@pk", pk));
    }

    private static async Task<long?> OwnerOfAnyAsync(DbConnection c, DbTransaction? tx, IReadOnlyList<string> tokens, CancellationToken ct)
    {
        foreach (var t in tokens)
        {
            await using var cmd = SqlDb.Command(c, tx, "SELECT patient_pk FROM patient_identifiers WHERE token = @t", ("@t", t));
            if (await cmd.ExecuteScalarAsync(ct) is { } v and not DBNull) return Convert.ToInt64(v, CultureInfo.InvariantCulture);
        }
        return null;
    }

    public async Task<bool> AmendAsync(long key, int expectedVersion, Demographics demographics, string authorId, string reason, CancellationToken ct)
    {
        var current = await GetAsync(key, ct);
        if (current is null || current.Version != expectedVersion || current.Status == PatientStatus.Merged) return false;
        long next = expectedVersion + 1;
        var dicomId = current.DicomId;
        var sealedCurrent = await SealAsync(current.DataKey, PatientAad(key, next), new CurrentPayload(demographics, dicomId?.Value ?? "", dicomId?.Issuer ?? ""), ct);
        var sealedVersion = await SealAsync(current.DataKey, VersionAad(key, next), new VersionPayload(demographics, reason), ct);
        await using var lease = await db.OpenAsync(ct);
        var c = lease.Connection;
        await using var t = await lease.BeginAsync(ct);
        var tx = t.Inner;
        int updated = await SqlDb.ExecuteAsync(c, tx,
            "UPDATE patients SET sealed = @s, version = @next, sex = @sex, status = @status WHERE pk = @pk AND version = @v AND status <> 'merged'", ct,
            ("@s", sealedCurrent), ("@next", next), ("@sex", demographics.Sex), ("@status", demographics.DeceasedDate.Length > 0 ? "deceased" : "active"),
            ("@pk", key), ("@v", (long)expectedVersion));
        if (updated != 1)
        {
            await t.RollbackAsync(ct);
            return false;
        }
        await SqlDb.ExecuteAsync(c, tx, "INSERT INTO patient_versions (patient_pk, version, sealed, author, time) VALUES (@pk, @v, @s, @author, @now)", ct,
            ("@pk", key), ("@v", next), ("@s", sealedVersion), ("@author", authorId), ("@now", SqlDb.Time(time.GetUtcNow())));
        await SqlDb.ExecuteAsync(c, tx, "DELETE FROM patient_tokens WHERE patient_pk = @pk", ct, ("@pk", key));
        await InsertTokensAsync(c, tx, key, PatientTokens.Search(Blind, demographics, current.Identifiers), ct);
        await t.CommitAsync(ct);
        return true;
    }

    public async Task<bool> AddIdentifierAsync(long key, PatientIdentifier identifier, CancellationToken ct)
    {
        var patient = await GetAsync(key, ct) ?? throw new InvalidOperationException($"no patient {key}");
        await using var lease = await db.OpenAsync(ct);
        var c = lease.Connection;
        await using var t = await lease.BeginAsync(ct);
        var tx = t.Inner;
        try
        {
            await InsertIdentifierAsync(c, tx, key, patient.DataKey, identifier, ct);
        }
        catch (DbException ex) when (dialect.IsUniqueViolation(ex))
        {
            await t.RollbackAsync(ct);
            return false;
        }
        await InsertTokensAsync(c, tx, key, PatientTokens.IdentifierSearch(Blind, identifier), ct);
        await t.CommitAsync(ct);
        return true;
    }

    public async Task<bool> MoveAsync(long key, string clinic, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(clinic)) throw new ArgumentException("a patient must belong to a clinic", nameof(clinic));
        return await db.ExecuteAsync("UPDATE patients SET clinic = @clinic WHERE pk = @pk", ct, ("@clinic", clinic), ("@pk", key)) == 1;
    }

    public async Task MergeAsync(long survivor, long merged, string authorId, string reason, CancellationToken ct)
    {
        var absorbed = await GetAsync(merged, ct) ?? throw new InvalidOperationException($"no patient {merged}");
        var kept = await GetAsync(survivor, ct) ?? throw new InvalidOperationException($"no patient {survivor}");
        await using var lease = await db.OpenAsync(ct);
        var c = lease.Connection;
        await using var t = await lease.BeginAsync(ct);
        var tx = t.Inner;
        // The absorbed identifiers become the survivor's aliases, sealed again under the survivor's key.
        foreach (var id in absorbed.Identifiers)
        {
            var token = PatientTokens.Identity(Blind, id);
            await SqlDb.ExecuteAsync(c, tx, "UPDATE patient_identifiers SET patient_pk = @s, alias = 1, sealed = @sealed WHERE token = @t", ct,
                ("@s", survivor), ("@t", token), ("@sealed", await SealAsync(kept.DataKey, IdentifierAad(token), new IdentifierPayload(id.Type, id.Issuer, id.Value), ct)));
        }
        await SqlDb.ExecuteAsync(c, tx, "DELETE FROM patient_tokens WHERE patient_pk = @m", ct, ("@m", merged));
        await InsertTokensAsync(c, tx, survivor, absorbed.Identifiers.SelectMany(i => PatientTokens.IdentifierSearch(Blind, i)), ct);
        await SqlDb.ExecuteAsync(c, tx, "UPDATE studies SET patient_pk = @s WHERE patient_pk = @m", ct, ("@s", survivor), ("@m", merged));
        await SqlDb.ExecuteAsync(c, tx, "UPDATE review_flags SET patient_pk = @s WHERE patient_pk = @m", ct, ("@s", survivor), ("@m", merged));
        // The clinical record's entries follow, sealed again under the survivor's key.
        await Records.SqlRecordEntryStore.MoveAsync(c, tx, sealer, absorbed.DataKey, kept.DataKey, merged, survivor, ct);
        await SqlDb.ExecuteAsync(c, tx,
            "INSERT INTO dependants (user_id, patient_key) SELECT user_id, @s FROM dependants WHERE patient_key = @m ON CONFLICT DO NOTHING", ct, ("@s", survivor), ("@m", merged));
        await SqlDb.ExecuteAsync(c, tx, "DELETE FROM dependants WHERE patient_key = @m", ct, ("@m", merged));
        await SqlDb.ExecuteAsync(c, tx, "UPDATE users SET patient_key = @s WHERE patient_key = @m", ct, ("@s", survivor), ("@m", merged));
        // The absorbed record is kept as it was, read-only, pointing at the survivor; its last version says why.
        long next = absorbed.Version + 1;
        await SqlDb.ExecuteAsync(c, tx, "UPDATE patients SET status = 'merged', merged_into = @s, version = @next, sealed = @sealed WHERE pk = @m", ct,
            ("@s", survivor), ("@next", next), ("@m", merged),
            ("@sealed", await SealAsync(absorbed.DataKey, PatientAad(merged, next), new CurrentPayload(absorbed.Demographics, absorbed.DicomId?.Value ?? "", absorbed.DicomId?.Issuer ?? ""), ct)));
        await SqlDb.ExecuteAsync(c, tx, "INSERT INTO patient_versions (patient_pk, version, sealed, author, time) VALUES (@pk, @v, @s, @author, @now)", ct,
            ("@pk", merged), ("@v", next), ("@s", await SealAsync(absorbed.DataKey, VersionAad(merged, next),
                new VersionPayload(absorbed.Demographics, $"merged into patient {survivor}: {reason}"), ct)),
            ("@author", authorId), ("@now", SqlDb.Time(time.GetUtcNow())));
        await t.CommitAsync(ct);
    }

    // ---- reads ----------------------------------------------------------------------------------------------------

    public async Task<Patient?> GetAsync(long key, CancellationToken ct)
    {
        await using var lease = await db.OpenAsync(ct);
        var c = lease.Connection;
        return await GetAsync(c, key, ct);
    }

    private sealed record PatientRow(long Pk, string Clinic, string Status, long? MergedInto, long Version, string DataKey, string Sealed, string Created);

    private async Task<Patient?> GetAsync(DbConnection c, long key, CancellationToken ct)
    {
        PatientRow? row = null;
        await using (var cmd = SqlDb.Command(c, null,
            "SELECT pk, clinic, status, merged_into, version, data_key, sealed, created FROM patients WHERE pk = @pk AND sealed <> ''", ("@pk", key)))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct))
                row = new PatientRow(r.GetInt64(r.GetOrdinal("pk")), r.GetString(r.GetOrdinal("clinic")), r.GetString(r.GetOrdinal("status")),
                    r.IsDBNull(r.GetOrdinal("merged_into")) ? null : r.GetInt64(r.GetOrdinal("merged_into")), r.GetInt64(r.GetOrdinal("version")),
                    r.GetString(r.GetOrdinal("data_key")), r.GetString(r.GetOrdinal("sealed")), r.GetString(r.GetOrdinal("created")));
        if (row is null) return null;
        var dataKey = new DataKeyId(Guid.ParseExact(row.DataKey, "N"));
        var fieldKey = await sealer.FieldKeyAsync(dataKey, ct);
        var (demographics, _, _) = OpenCurrent(fieldKey, row.Pk, row.Version, row.Sealed);
        var identifiers = new List<PatientIdentifier>();
        await using (var cmd = SqlDb.Command(c, null, "SELECT token, alias, sealed FROM patient_identifiers WHERE patient_pk = @pk ORDER BY alias, pk", ("@pk", key)))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var p = JsonSerializer.Deserialize<IdentifierPayload>(
                    FieldSealer.Open(fieldKey, IdentifierAad(r.GetString(r.GetOrdinal("token"))), r.GetString(r.GetOrdinal("sealed"))), Json)!;
                identifiers.Add(new PatientIdentifier(p.Type, p.Issuer, p.Value) { Alias = r.GetInt64(r.GetOrdinal("alias")) != 0 });
            }
        var guardians = new List<string>();
        await using (var cmd = SqlDb.Command(c, null, "SELECT user_id FROM dependants WHERE patient_key = @pk ORDER BY user_id", ("@pk", key)))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) guardians.Add(r.GetString(r.GetOrdinal("user_id")));
        var status = row.Status switch { "merged" => PatientStatus.Merged, "deceased" => PatientStatus.Deceased, _ => PatientStatus.Active };
        return new Patient(row.Pk, row.Clinic, status, demographics, identifiers, dataKey, (int)row.Version, SqlDb.Time(row.Created))
        {
            MergedInto = row.MergedInto,
            Guardians = guardians,
        };
    }

    public async Task<Patient?> FindByIdentifierAsync(IdentifierType type, string issuer, string value, CancellationToken ct)
    {
        var token = PatientTokens.Identity(Blind, type, issuer, value);
        await using var lease = await db.OpenAsync(ct);
        var c = lease.Connection;
        long? pk;
        await using (var cmd = SqlDb.Command(c, null, "SELECT patient_pk FROM patient_identifiers WHERE token = @t", ("@t", token)))
            pk = await cmd.ExecuteScalarAsync(ct) is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
        if (pk is null) return null;
        // Identifiers move with a merge, so a token names a live record; follow merged_into all the same (at most a few hops).
        for (int hop = 0; hop < 8; hop++)
        {
            var patient = await GetAsync(c, pk.Value, ct);
            if (patient is not { Status: PatientStatus.Merged, MergedInto: { } next }) return patient;
            pk = next;
        }
        return null;
    }

    public Task<Patient?> FindByDicomIdAsync(string patientId, string issuer, CancellationToken ct) =>
        FindByIdentifierAsync(IdentifierType.DicomPatientId, issuer, patientId, ct);

    public async Task<IReadOnlyList<Patient>> SearchAsync(string text, PatientReach reach, int limit, CancellationToken ct)
    {
        if (reach.IsEmpty) return [];
        var args = new List<(string, object?)>();
        string Arg(object value) { var n = "@a" + args.Count.ToString(CultureInfo.InvariantCulture); args.Add((n, value)); return n; }
        var folded = BlindIndex.Fold(text);
        var words = folded.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        var alternatives = new List<string>();
        if (words.Count is > 0 and <= 6)
        {
            var tokens = words.Select(w => PatientTokens.NamePart(Blind, w)).Distinct().ToList();
            alternatives.Add($"p.pk IN (SELECT patient_pk FROM patient_tokens WHERE token IN ({string.Join(", ", tokens.Select(t => Arg(t)))}) " +
                $"GROUP BY patient_pk HAVING count(DISTINCT token) = {tokens.Count.ToString(CultureInfo.InvariantCulture)})");
        }
        alternatives.Add($"p.pk IN (SELECT patient_pk FROM patient_tokens WHERE token = {Arg(PatientTokens.AnyIdentifier(Blind, text))})");
        var digits = PatientRules.Digits(text);
        if (digits.Length >= 6 && digits.Length >= text.Count(ch => !char.IsWhiteSpace(ch) && ch is not ('+' or '-' or '(' or ')')))
            alternatives.Add($"p.pk IN (SELECT patient_pk FROM patient_tokens WHERE token = {Arg(PatientTokens.PhoneTail(Blind, digits))})");
        var within = new List<string>();
        if (reach.Clinics.Count > 0) within.Add($"p.clinic IN ({string.Join(", ", reach.Clinics.Order(StringComparer.Ordinal).Select(v => Arg(v)))})");
        if (reach.PatientKeys.Count > 0) within.Add(dialect.InJsonIntegers("p.pk", Arg(SqlDb.JsonIntegers(reach.PatientKeys))));
        var sql = $"SELECT p.pk FROM patients p WHERE p.status <> 'merged' AND p.sealed <> '' AND ({string.Join(" OR ", within)}) " +
            $"AND ({string.Join(" OR ", alternatives)}) ORDER BY p.pk LIMIT {Math.Clamp(limit, 1, 1000).ToString(CultureInfo.InvariantCulture)}";
        var keys = await db.QueryAsync(sql, r => r.Long("pk"), ct, [.. args]);
        var found = new List<Patient>();
        await using var lease = await db.OpenAsync(ct);
        var c = lease.Connection;
        foreach (var k in keys)
        {
            Patient? p;
            try { p = await GetAsync(c, k, ct); }
            catch (KeyDestroyedException) { continue; } // disposed: unreadable by design
            // Tokens hold prefixes of at most 16 characters: a longer word is checked against the opened name.
            if (p is not null && (words.All(w => w.EnumerateRunes().Count() <= BlindIndex.MaxPrefix) || MatchesWords(p, words) || MatchesIdentifier(p, text, digits)))
                found.Add(p);
        }
        return found;
    }

    private static bool MatchesWords(Patient p, IReadOnlyList<string> words)
    {
        var parts = p.Demographics.Name.Components.SelectMany(x => BlindIndex.Fold(x).Split(' ').Prepend(BlindIndex.Fold(x))).ToList();
        return words.All(w => parts.Any(part => part.StartsWith(w, StringComparison.Ordinal)));
    }

    private static bool MatchesIdentifier(Patient p, string text, string digits) =>
        p.Identifiers.Any(i => string.Equals(i.Value, text.Trim(), StringComparison.OrdinalIgnoreCase))
        || (digits.Length >= 6 && p.Demographics.Contacts.Any(c => c.Kind == ContactKind.Phone && PatientRules.Digits(c.Value).EndsWith(digits[^Math.Min(8, digits.Length)..], StringComparison.Ordinal)));

    public async Task<IReadOnlyList<DemographicsVersion>> HistoryAsync(long key, CancellationToken ct)
    {
        var patient = await GetAsync(key, ct);
        if (patient is null) return [];
        var fieldKey = await sealer.FieldKeyAsync(patient.DataKey, ct);
        return await db.QueryAsync("SELECT version, sealed, author, time FROM patient_versions WHERE patient_pk = @pk ORDER BY version", r =>
        {
            long v = r.Long("version");
            var p = JsonSerializer.Deserialize<VersionPayload>(FieldSealer.Open(fieldKey, VersionAad(key, v), r.Text("sealed")), Json)!;
            return new DemographicsVersion((int)v, p.Demographics, r.Text("author"), SqlDb.Time(r.Text("time")), p.Reason);
        }, ct, ("@pk", key));
    }

    // ---- upgrade ----------------------------------------------------------------------------------------------------

    /// <summary>
    /// Seals what an older release stored in plaintext: each patient (name, birth date, Patient ID and issuer become a
    /// sealed record, an identifier and tokens), study and series descriptions; the plaintext columns are emptied. On
    /// SQLite the freed pages are then wiped (secure_delete, VACUUM, WAL truncated) so no old value stays in the file.
    /// Idempotent; each patient in its own transaction.
    /// </summary>
    internal async Task<int> SealLegacyRowsAsync(CancellationToken ct)
    {
        var legacy = await db.QueryAsync("SELECT pk, patient_id, issuer, patient_name, birth_date, sex, data_key FROM patients WHERE sealed = ''",
            r => (Pk: r.Long("pk"), Id: r.Text("patient_id"), Issuer: r.Text("issuer"), Name: r.Text("patient_name"), Birth: r.Text("birth_date"), Sex: r.Text("sex"),
                Key: r.Text("data_key")), ct);
        int sealedRows = 0;
        foreach (var p in legacy)
        {
            var key = new DataKeyId(Guid.ParseExact(p.Key, "N"));
            var demographics = new Demographics
            {
                Name = PersonNames.Parse(p.Name),
                BirthDate = PatientRules.IsDate(p.Birth) ? p.Birth : "",
                Sex = p.Sex is "M" or "F" or "O" ? p.Sex : "",
            };
            var id = new PatientIdentifier(IdentifierType.DicomPatientId, p.Issuer, p.Id);
            await using var lease = await db.OpenAsync(ct);
            var c = lease.Connection;
            await using var t = await lease.BeginAsync(ct);
            var tx = t.Inner;
            await SqlDb.ExecuteAsync(c, tx, """
                UPDATE patients SET sealed = @s, patient_id = @key, issuer = '', patient_name = '', birth_date = '', version = 1 WHERE pk = @pk AND sealed = ''
                """, ct, ("@s", await SealAsync(key, PatientAad(p.Pk, 1), new CurrentPayload(demographics, p.Id, p.Issuer), ct)), ("@key", p.Key), ("@pk", p.Pk));
            await SqlDb.ExecuteAsync(c, tx, "INSERT INTO patient_versions (patient_pk, version, sealed, author, time) VALUES (@pk, 1, @s, 'enamel-upgrade', @now)", ct,
                ("@pk", p.Pk), ("@s", await SealAsync(key, VersionAad(p.Pk, 1), new VersionPayload(demographics, "sealed at upgrade from the plaintext index"), ct)),
                ("@now", SqlDb.Time(time.GetUtcNow())));
            await InsertIdentifierAsync(c, tx, p.Pk, key, id, ct);
            await InsertTokensAsync(c, tx, p.Pk, PatientTokens.Search(Blind, demographics, [id]), ct);
            await t.CommitAsync(ct);
            sealedRows++;
        }
        sealedRows += await SealDescriptionsAsync("studies", "study_uid", "study_description", "study_description = '', study_id = ''",
            "SELECT st.pk, st.study_uid, st.study_description, st.study_id, p.data_key FROM studies st JOIN patients p ON st.patient_pk = p.pk WHERE st.data_key = ''",
            StudyAad, ct);
        sealedRows += await SealDescriptionsAsync("series", "series_uid", "series_description", "series_description = ''",
            "SELECT se.pk, se.series_uid, se.series_description, '' AS study_id, p.data_key FROM series se JOIN studies st ON se.study_pk = st.pk JOIN patients p ON st.patient_pk = p.pk WHERE se.data_key = ''",
            SeriesAad, ct);
        if (sealedRows > 0 && dialect.Name == "sqlite")
        {
            await db.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)", ct);
            await db.ExecuteAsync("VACUUM", ct);
            await db.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)", ct);
        }
        return sealedRows;
    }

    private async Task<int> SealDescriptionsAsync(string table, string uidColumn, string column, string emptied, string select, Func<string, string> aad, CancellationToken ct)
    {
        var rows = await db.QueryAsync(select, r => (Pk: r.Long("pk"), Uid: r.Text(uidColumn), Text: r.Text(column), StudyId: r.Text("study_id"), Key: r.Text("data_key")), ct);
        foreach (var row in rows)
        {
            var key = new DataKeyId(Guid.ParseExact(row.Key, "N"));
            await db.ExecuteAsync($"UPDATE {table} SET sealed = @s, data_key = @key, {emptied} WHERE pk = @pk", ct,
                ("@s", await SealAsync(key, aad(row.Uid), new DescriptionPayload(row.Text, row.StudyId), ct)), ("@key", row.Key), ("@pk", row.Pk));
        }
        return rows.Count;
    }

    /// <summary>Seals a study or series description for the index's insert (the same payload and associated data as an upgrade).</summary>
    internal ValueTask<string> SealDescriptionAsync(DataKeyId key, string aad, string description, CancellationToken ct, string studyId = "") =>
        SealAsync(key, aad, new DescriptionPayload(description, studyId), ct);

    /// <summary>
    /// This store's connections (its own transactions, not a unit of work's yet) and reads by column name: each row is
    /// read through <see cref="Row"/>, never by position.
    /// </summary>
    private sealed class Rows(SqlDialect dialect, SqlChange? change)
    {
        private readonly SqlDb db = new(dialect, change);

        /// <summary>A connection of its own, or the change's (whose transaction every command then names).</summary>
        public Task<SqlLease> OpenAsync(CancellationToken ct) => db.OpenAsync(ct);

        public async Task<List<T>> QueryAsync<T>(string sql, Func<Row, T> read, CancellationToken ct, params (string, object?)[] args)
        {
            await using var lease = await OpenAsync(ct);
            await using var cmd = SqlDb.Command(lease.Connection, lease.Transaction, sql, args);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var list = new List<T>();
            var row = new Row(r);
            while (await r.ReadAsync(ct)) list.Add(read(row));
            return list;
        }

        public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string, object?)[] args)
        {
            await using var lease = await OpenAsync(ct);
            return await SqlDb.ExecuteAsync(lease.Connection, lease.Transaction, sql, ct, args);
        }
    }

    /// <summary>The current row of a reader, by column name.</summary>
    private sealed class Row(DbDataReader r)
    {
        public string Text(string column) => r.GetString(r.GetOrdinal(column));
        public long Long(string column) => Convert.ToInt64(r.GetValue(r.GetOrdinal(column)), CultureInfo.InvariantCulture);
    }
}
