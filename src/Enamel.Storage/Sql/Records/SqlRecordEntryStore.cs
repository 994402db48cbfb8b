using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Enamel.Core.Access;
using Enamel.Core.Keys;
using Enamel.Core.Records;
using Enamel.Storage.Crypto;

namespace Enamel.Storage.Sql.Records;

/// <summary>
/// Clinical record entries over SQLite or PostgreSQL (<see cref="IRecordEntryStore"/>): one <c>record_entries</c> row per
/// version, the body with its author and reason sealed under the patient's data key (<see cref="FieldSealer"/>, associated
/// data = table, column, kind, id and version), blind code tokens per version (<see cref="BlindIndex"/>), and each
/// version's metadata appended to <c>record_versions</c> in the same transaction (so the record kernel's history sees
/// entries). Plain columns: kind, id, patient key, version, workflow state, recorded time, version status.
/// </summary>
public sealed class SqlRecordEntryStore : IRecordEntryStore
{
    private readonly SqlDialect dialect;
    private readonly SqlDb db;
    private readonly FieldSealer sealer;
    private readonly BlindIndex blind;
    private readonly TimeProvider time;

    public SqlRecordEntryStore(SqlDialect dialect, FieldSealer sealer, BlindIndex blind, TimeProvider time, SqlChange? change = null)
    {
        this.dialect = dialect;
        this.sealer = sealer;
        this.blind = blind;
        this.time = time;
        db = new SqlDb(dialect, change);
    }

    /// <summary>This store inside <paramref name="scope"/>: its writes join the change's transaction.</summary>
    internal SqlRecordEntryStore In(SqlChange scope) => new(dialect, sealer, blind, time, scope);

    /// <summary>What record_versions says of an entry version's reason: the reason itself is sealed with the entry (it may name the patient's circumstances).</summary>
    public const string SealedReason = "sealed with the entry";

    private const string Current = RecordVersionsSchema.Current, Superseded = RecordVersionsSchema.Superseded, EnteredInError = RecordVersionsSchema.EnteredInError;

    /// <summary>record_entries.sealed: one version's body, author and reason.</summary>
    private sealed record EntryPayload(EntryBody Body, string Author, string Reason);

    /// <summary>record_entries.status_sealed: why the entry was marked entered-in-error.</summary>
    private sealed record StatusPayload(string Reason);

    internal static string EntryAad(string kind, string id, long version) => $"record_entries.sealed|{kind}|{id}|{version.ToString(CultureInfo.InvariantCulture)}";
    internal static string StatusAad(string kind, string id, long version) => $"record_entries.status_sealed|{kind}|{id}|{version.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A new entry id: 128 random bits as 32 lower-case hex digits (a valid FHIR id, unguessable).</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The blind tokens a code search matches: "system|code" and the bare code, for each coding with a code.</summary>
    private IEnumerable<string> Tokens(EntryBody body) =>
        body.Codes.Where(c => c.Code.Length > 0).SelectMany(c => new[] { CodeToken($"{c.System}|{c.Code}"), CodeToken(c.Code) }).Distinct();

    private string CodeToken(string code) => blind.Token("entry-code", code);

    // ---- writes ---------------------------------------------------------------------------------------------------

    public async Task<RecordEntry> AddAsync(long patientKey, EntryBody body, VersionNote note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!body.Kind.IsEntry) throw new ArgumentException($"{body.Kind} is not a clinical record entry", nameof(body));
        var id = NewId();
        var now = time.GetUtcNow();
        await using var lease = await db.OpenAsync(ct);
        var c = lease.Connection;
        await using var t = await lease.BeginAsync(ct);
        var dataKey = await PatientKeyAsync(c, t.Inner, patientKey, ct) ?? throw new InvalidOperationException($"no patient {patientKey}");
        await InsertVersionAsync(c, t.Inner, dataKey, body.Kind.Name, id, patientKey, 1, body, note, now, ct);
        await SqlRecordHistory.InsertAsync(c, t.Inner, body.Kind, id, patientKey, 1, note with { Reason = SealedReason }, SqlDb.Time(now), Current, ct);
        await t.CommitAsync(ct);
        return new RecordEntry(new RecordRef(body.Kind, id, patientKey, body.Category), 1, body, note.AuthorId, now, note.Reason, VersionStatus.Current) { Created = now };
    }

    public async Task<RecordEntry?> ReviseAsync(RecordKind kind, string id, int expectedVersion, EntryBody body, VersionNote note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Kind != kind) throw new ArgumentException($"the body is a {body.Kind}, not a {kind}", nameof(body));
        var now = time.GetUtcNow();
        await using var lease = await db.OpenAsync(ct);
        var c = lease.Connection;
        await using var t = await lease.BeginAsync(ct);
        var latest = await LatestRowAsync(c, t.Inner, kind.Name, id, ct);
        if (latest is null || latest.Version != expectedVersion || latest.Status != Current) return null;
        int marked = await SqlDb.ExecuteAsync(c, t.Inner,
            "UPDATE record_entries SET status = @superseded WHERE pk = @pk AND status = @current", ct,
            ("@superseded", Superseded), ("@pk", latest.Pk), ("@current", Current));
        if (marked != 1) return null; // nothing written yet: the change may still go on
        long next = expectedVersion + 1L;
        try
        {
            await InsertVersionAsync(c, t.Inner, new DataKeyId(Guid.ParseExact(latest.DataKey, "N")), kind.Name, id, latest.PatientKey, next, body, note, now, ct);
            await SqlRecordHistory.AppendAsync(c, t.Inner, kind, id, latest.PatientKey, note with { Reason = SealedReason }, SqlDb.Time(now), ct);
        }
        catch (DbException ex) when (dialect.IsUniqueViolation(ex))
        {
            await t.RollbackAsync(ct); // written meanwhile by another writer
            return null;
        }
        await t.CommitAsync(ct);
        return new RecordEntry(new RecordRef(kind, id, latest.PatientKey, body.Category), (int)next, body, note.AuthorId, now, note.Reason, VersionStatus.Current)
        {
            Created = SqlDb.Time(latest.Created),
        };
    }

    public async Task<RecordEntry?> MarkEnteredInErrorAsync(RecordKind kind, string id, StatusChange change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var lease = await db.OpenAsync(ct);
        var c = lease.Connection;
        await using var t = await lease.BeginAsync(ct);
        var latest = await LatestRowAsync(c, t.Inner, kind.Name, id, ct);
        if (latest is null || latest.Status != Current) return null;
        var dataKey = new DataKeyId(Guid.ParseExact(latest.DataKey, "N"));
        var sealedReason = await sealer.SealAsync(dataKey, StatusAad(kind.Name, id, latest.Version), JsonSerializer.Serialize(new StatusPayload(change.Reason), EntryJson.Options), ct);
        var at = SqlDb.Time(change.Time);
        int marked = await SqlDb.ExecuteAsync(c, t.Inner, """
            UPDATE record_entries SET status = @eie, status_author = @by, status_time = @at, status_sealed = @why WHERE pk = @pk AND status = @current
            """, ct, ("@eie", EnteredInError), ("@by", change.AuthorId), ("@at", at), ("@why", sealedReason), ("@pk", latest.Pk), ("@current", Current));
        if (marked != 1) return null;
        await SqlDb.ExecuteAsync(c, t.Inner, """
            UPDATE record_versions SET status = @eie, status_author = @by, status_time = @at, status_reason = @why
            WHERE kind = @kind AND item_id = @id AND version_number = @n AND status IN (@current, @superseded)
            """, ct, ("@eie", EnteredInError), ("@by", change.AuthorId), ("@at", at), ("@why", SealedReason), ("@kind", kind.Name), ("@id", id),
            ("@n", latest.Version), ("@current", Current), ("@superseded", Superseded));
        await t.CommitAsync(ct);
        var entry = await OpenAsync(latest with { Status = EnteredInError, StatusAuthor = change.AuthorId, StatusTime = at, StatusSealed = sealedReason }, ct);
        return entry;
    }

    private async Task InsertVersionAsync(DbConnection c, DbTransaction tx, DataKeyId dataKey, string kind, string id, long patientKey, long version,
        EntryBody body, VersionNote note, DateTimeOffset now, CancellationToken ct)
    {
        var sealedBody = await sealer.SealAsync(dataKey, EntryAad(kind, id, version), JsonSerializer.Serialize(new EntryPayload(body, note.AuthorId, note.Reason), EntryJson.Options), ct);
        long pk;
        await using (var insert = SqlDb.Command(c, tx, """
            INSERT INTO record_entries (kind, entry_id, patient_key, version, state, recorded, status, sealed)
            VALUES (@kind, @id, @patient, @version, @state, @recorded, @status, @sealed) RETURNING pk
            """, ("@kind", kind), ("@id", id), ("@patient", patientKey), ("@version", version), ("@state", body.State), ("@recorded", SqlDb.Time(now)),
            ("@status", Current), ("@sealed", sealedBody)))
            pk = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        foreach (var token in Tokens(body))
            await SqlDb.ExecuteAsync(c, tx, "INSERT INTO record_entry_tokens (token, entry_pk) VALUES (@t, @pk)", ct, ("@t", token), ("@pk", pk));
    }

    private static async Task<DataKeyId?> PatientKeyAsync(DbConnection c, DbTransaction tx, long patientKey, CancellationToken ct)
    {
        await using var cmd = SqlDb.Command(c, tx, "SELECT data_key FROM patients WHERE pk = @pk AND sealed <> ''", ("@pk", patientKey));
        return await cmd.ExecuteScalarAsync(ct) is string key ? new DataKeyId(Guid.ParseExact(key, "N")) : null;
    }

    /// <summary>
    /// Moves every entry of <paramref name="merged"/> to <paramref name="survivor"/> inside the merge's transaction, sealed
    /// again under the survivor's data key (the bodies and entered-in-error reasons; the tokens do not depend on the key).
    /// </summary>
    internal static async Task MoveAsync(DbConnection c, DbTransaction tx, FieldSealer sealer, DataKeyId from, DataKeyId to, long merged, long survivor,
        CancellationToken ct)
    {
        var rows = new List<(long Pk, string Kind, string Id, long Version, string Sealed, string? StatusSealed)>();
        await using (var cmd = SqlDb.Command(c, tx, "SELECT pk, kind, entry_id, version, sealed, status_sealed FROM record_entries WHERE patient_key = @m", ("@m", merged)))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture), r.GetString(4),
                    r.IsDBNull(5) ? null : r.GetString(5)));
        if (rows.Count == 0) return;
        var oldKey = await sealer.FieldKeyAsync(from, ct);
        foreach (var row in rows)
        {
            var body = await sealer.SealAsync(to, EntryAad(row.Kind, row.Id, row.Version), FieldSealer.Open(oldKey, EntryAad(row.Kind, row.Id, row.Version), row.Sealed), ct);
            string? status = row.StatusSealed is null ? null
                : await sealer.SealAsync(to, StatusAad(row.Kind, row.Id, row.Version), FieldSealer.Open(oldKey, StatusAad(row.Kind, row.Id, row.Version), row.StatusSealed), ct);
            await SqlDb.ExecuteAsync(c, tx, "UPDATE record_entries SET patient_key = @s, sealed = @sealed, status_sealed = @status WHERE pk = @pk", ct,
                ("@s", survivor), ("@sealed", body), ("@status", status), ("@pk", row.Pk));
        }
        var kinds = string.Join(", ", RecordKind.Entries.Select(k => $"'{k.Name}'"));
        await SqlDb.ExecuteAsync(c, tx, $"UPDATE record_versions SET patient_key = @s WHERE patient_key = @m AND kind IN ({kinds})", ct, ("@s", survivor), ("@m", merged));
    }

    // ---- reads ----------------------------------------------------------------------------------------------------

    /// <summary>One record_entries row with its patient's data key and the entry's first recorded time.</summary>
    private sealed record EntryRow(long Pk, string Kind, string EntryId, long PatientKey, long Version, string Recorded, string Status, string Sealed,
        string? StatusAuthor, string? StatusTime, string? StatusSealed, string DataKey, string Created);

    private const string Select = """
        SELECT e.pk, e.kind, e.entry_id, e.patient_key, e.version, e.recorded, e.status, e.sealed, e.status_author, e.status_time, e.status_sealed,
               p.data_key, (SELECT v1.recorded FROM record_entries v1 WHERE v1.kind = e.kind AND v1.entry_id = e.entry_id AND v1.version = 1) AS created
        FROM record_entries e JOIN patients p ON p.pk = e.patient_key
        """;

    private static async Task<List<EntryRow>> RowsAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] args)
    {
        var rows = new List<EntryRow>();
        await using var cmd = SqlDb.Command(c, tx, sql, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        string? Nullable(string column) { int i = r.GetOrdinal(column); return r.IsDBNull(i) ? null : r.GetString(i); }
        long Long(string column) => Convert.ToInt64(r.GetValue(r.GetOrdinal(column)), CultureInfo.InvariantCulture);
        string Text(string column) => r.GetString(r.GetOrdinal(column));
        while (await r.ReadAsync(ct))
            rows.Add(new EntryRow(Long("pk"), Text("kind"), Text("entry_id"), Long("patient_key"), Long("version"), Text("recorded"), Text("status"), Text("sealed"),
                Nullable("status_author"), Nullable("status_time"), Nullable("status_sealed"), Text("data_key"), Nullable("created") ?? Text("recorded")));
        return rows;
    }

    private static async Task<EntryRow?> LatestRowAsync(DbConnection c, DbTransaction? tx, string kind, string id, CancellationToken ct) =>
        (await RowsAsync(c, tx, Select + " WHERE e.kind = @kind AND e.entry_id = @id AND e.status <> @superseded", ct,
            ("@kind", kind), ("@id", id), ("@superseded", Superseded))).SingleOrDefault();

    private async Task<RecordEntry> OpenAsync(EntryRow row, CancellationToken ct)
    {
        var fieldKey = await sealer.FieldKeyAsync(new DataKeyId(Guid.ParseExact(row.DataKey, "N")), ct);
        return Open(fieldKey, row);
    }

    private static RecordEntry Open(byte[] fieldKey, EntryRow row)
    {
        var payload = JsonSerializer.Deserialize<EntryPayload>(FieldSealer.Open(fieldKey, EntryAad(row.Kind, row.EntryId, row.Version), row.Sealed), EntryJson.Options)
            ?? throw new SealedFieldCorruptException("a sealed record entry is empty");
        if (payload.Body.Kind.Name != row.Kind) throw new SealedFieldCorruptException("a sealed record entry holds another kind of entry");
        var status = row.Status switch
        {
            Current => VersionStatus.Current,
            Superseded => VersionStatus.Superseded,
            EnteredInError => VersionStatus.EnteredInError,
            _ => throw new InvalidDataException($"record_entries: unknown status '{row.Status}'"),
        };
        StatusChange? withdrawn = null;
        if (status == VersionStatus.EnteredInError && row.StatusSealed is not null)
        {
            var why = JsonSerializer.Deserialize<StatusPayload>(FieldSealer.Open(fieldKey, StatusAad(row.Kind, row.EntryId, row.Version), row.StatusSealed), EntryJson.Options);
            withdrawn = new StatusChange(row.StatusAuthor ?? "", SqlDb.Time(row.StatusTime!), why?.Reason ?? "");
        }
        return new RecordEntry(new RecordRef(payload.Body.Kind, row.EntryId, row.PatientKey, payload.Body.Category), (int)row.Version, payload.Body, payload.Author,
            SqlDb.Time(row.Recorded), payload.Reason, status)
        {
            Created = SqlDb.Time(row.Created),
            Withdrawn = withdrawn,
        };
    }

    public async Task<RecordEntry?> GetAsync(RecordKind kind, string id, CancellationToken ct)
    {
        await using var lease = await db.OpenAsync(ct);
        var row = await LatestRowAsync(lease.Connection, lease.Transaction, kind.Name, id, ct);
        return row is null ? null : await OpenAsync(row, ct);
    }

    public async Task<RecordEntry?> GetVersionAsync(RecordKind kind, string id, int version, CancellationToken ct)
    {
        await using var lease = await db.OpenAsync(ct);
        var row = (await RowsAsync(lease.Connection, lease.Transaction, Select + " WHERE e.kind = @kind AND e.entry_id = @id AND e.version = @v", ct,
            ("@kind", kind.Name), ("@id", id), ("@v", (long)version))).SingleOrDefault();
        return row is null ? null : await OpenAsync(row, ct);
    }

    public async Task<IReadOnlyList<RecordEntry>> VersionsAsync(RecordKind kind, string id, CancellationToken ct)
    {
        await using var lease = await db.OpenAsync(ct);
        var rows = await RowsAsync(lease.Connection, lease.Transaction, Select + " WHERE e.kind = @kind AND e.entry_id = @id ORDER BY e.version", ct,
            ("@kind", kind.Name), ("@id", id));
        if (rows.Count == 0) return [];
        var fieldKey = await sealer.FieldKeyAsync(new DataKeyId(Guid.ParseExact(rows[0].DataKey, "N")), ct);
        return [.. rows.Select(r => Open(fieldKey, r))];
    }

    public async Task<(IReadOnlyList<RecordEntry> Entries, int Total)> FindAsync(EntryQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Reach.IsEmpty || query.Kinds.Count == 0) return ([], 0);
        var args = new List<(string, object?)>();
        string Arg(object value) { var n = "@a" + args.Count.ToString(CultureInfo.InvariantCulture); args.Add((n, value)); return n; }
        var where = new List<string>
        {
            query.IncludeEnteredInError ? $"e.status <> {Arg(Superseded)}" : $"e.status = {Arg(Current)}",
            $"e.kind IN ({string.Join(", ", query.Kinds.Select(k => k.Name).Distinct().Order(StringComparer.Ordinal).Select(k => Arg(k)))})",
        };
        var within = new List<string>();
        if (query.Reach.Clinics.Count > 0) within.Add($"p.clinic IN ({string.Join(", ", query.Reach.Clinics.Order(StringComparer.Ordinal).Select(v => Arg(v)))})");
        if (query.Reach.PatientKeys.Count > 0) within.Add(dialect.InJsonIntegers("e.patient_key", Arg(SqlDb.JsonIntegers(query.Reach.PatientKeys))));
        where.Add($"({string.Join(" OR ", within)})");
        if (query.PatientKey is { } patient) where.Add($"e.patient_key = {Arg(patient)}");
        if (!string.IsNullOrEmpty(query.State)) where.Add($"e.state = {Arg(query.State)}");
        if (query.UpdatedSince is { } since) where.Add($"e.recorded >= {Arg(SqlDb.Time(since))}");
        if (!string.IsNullOrEmpty(query.Code)) where.Add($"e.pk IN (SELECT entry_pk FROM record_entry_tokens WHERE token = {Arg(CodeToken(query.Code))})");
        var filter = " WHERE " + string.Join(" AND ", where);
        var keys = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        async Task<List<RecordEntry>> OpenAllAsync(List<EntryRow> rows)
        {
            var opened = new List<RecordEntry>(rows.Count);
            foreach (var row in rows)
            {
                if (!keys.TryGetValue(row.DataKey, out var fieldKey))
                {
                    try { fieldKey = await sealer.FieldKeyAsync(new DataKeyId(Guid.ParseExact(row.DataKey, "N")), ct); }
                    catch (KeyDestroyedException) { fieldKey = null; } // disposed: unreadable by design
                    keys[row.DataKey] = fieldKey;
                }
                if (fieldKey is not null) opened.Add(Open(fieldKey, row));
            }
            return opened;
        }

        if (query.PatientKey is null && string.IsNullOrEmpty(query.DateFrom) && string.IsNullOrEmpty(query.DateTo))
        {
            // Across patients with no date range: most recently recorded first, paged in the database (only the page is
            // opened), with the count of every match.
            int total;
            List<EntryRow> page;
            await using (var lease = await db.OpenAsync(ct))
            {
                await using (var count = SqlDb.Command(lease.Connection, lease.Transaction, "SELECT COUNT(*) FROM record_entries e JOIN patients p ON p.pk = e.patient_key" + filter, [.. args]))
                    total = Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
                var (limit, skip) = (Math.Max(0, query.Limit), Math.Max(0, query.Skip));
                page = limit == 0 ? [] : await RowsAsync(lease.Connection, lease.Transaction,
                    Select + filter + $" ORDER BY e.recorded DESC, e.pk DESC LIMIT {limit.ToString(CultureInfo.InvariantCulture)} OFFSET {skip.ToString(CultureInfo.InvariantCulture)}", ct, [.. args]);
            }
            var readable = await OpenAllAsync(page);
            // Entries of a patient whose key was destroyed are left out; the count leaves out those of this page (a
            // disposal removes the rest in time: issue 17's retention).
            return (readable, total - (page.Count - readable.Count));
        }

        // One patient's entries, or a date range (the dates are sealed): every match is opened and ordered by its clinical
        // date. No ORDER BY in SQL: one on recorded would lead SQLite's planner to walk the (kind, status, recorded) index
        // through every patient's entries instead of seeking the one patient's (bench/Enamel.Bench.Records).
        List<EntryRow> rows;
        await using (var lease = await db.OpenAsync(ct))
            rows = await RowsAsync(lease.Connection, lease.Transaction, Select + filter, ct, [.. args]);
        var matching = (await OpenAllAsync(rows)).Where(e => InDates(e.Body.Date, query.DateFrom, query.DateTo));
        // Newest clinical date first (an entry without a date by when it was recorded), then the most recently recorded.
        var ordered = matching.OrderByDescending(e => e.Body.Date.Length > 0 ? e.Body.Date : e.Recorded.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .ThenByDescending(e => e.Recorded).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        return ([.. ordered.Skip(Math.Max(0, query.Skip)).Take(Math.Max(0, query.Limit))], ordered.Count);
    }

    /// <summary>
    /// Whether a date of yyyy[-MM[-dd]] precision overlaps the range from..to (each a prefix of the same form): the entry's
    /// latest possible day is not before the range's first, its earliest not after the range's last. No date: outside any range.
    /// </summary>
    internal static bool InDates(string date, string? from, string? to)
    {
        if (string.IsNullOrEmpty(from) && string.IsNullOrEmpty(to)) return true;
        if (date.Length == 0) return false;
        static string Low(string d) => d + "-00-00"[(d.Length - 4)..];
        static string High(string d) => d + "-99-99"[(d.Length - 4)..];
        if (!string.IsNullOrEmpty(from) && string.CompareOrdinal(High(date), Low(from)) < 0) return false;
        if (!string.IsNullOrEmpty(to) && string.CompareOrdinal(Low(date), High(to)) > 0) return false;
        return true;
    }
}
