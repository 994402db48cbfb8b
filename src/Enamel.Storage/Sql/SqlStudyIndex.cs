using System.Data.Common;
using System.Globalization;
using Enamel.Core.Blobs;
using Enamel.Core.Keys;
using Enamel.Core.Records;
using Enamel.Core.Studies;
using Enamel.Dicom;

namespace Enamel.Storage.Sql;

/// <summary>
/// The study index over SQLite or PostgreSQL (plain ADO.NET; one SQL text for both but for <see cref="SqlDialect"/>).
/// <paramref name="defaultClinic"/> is the clinic patients of a database created before clinics existed are put in.
/// </summary>
public sealed partial class SqlStudyIndex(SqlDialect dialect, TimeProvider time, string defaultClinic, SqlChange? change = null) : IStudyIndex
{
    private readonly SqlDb db = new(dialect, change);
    private Patients.SqlPatientStore? patients;

    public SqlDialect Dialect => dialect;

    /// <summary>
    /// The patient store whose data keys seal study and series descriptions and whose blind index finds patients;
    /// attached once the patients schema is in place (see DataFolder).
    /// </summary>
    public void AttachPatients(Patients.SqlPatientStore store) => patients = store;

    private Patients.SqlPatientStore Patients =>
        patients ?? throw new InvalidOperationException("the study index has no patient store attached");

    private Task<SqlLease> OpenAsync(CancellationToken ct) => db.OpenAsync(ct);

    /// <summary>Brings the database to the current schema (<see cref="Migrations.MigrationRunner"/>; a no-op when up to date).</summary>
    public Task InitializeAsync(CancellationToken ct) => new Migrations.MigrationRunner(dialect).RunAsync(new(defaultClinic), ct);

    private const string InstanceSelect = """
        SELECT i.sop_uid, i.sop_class_uid, st.study_uid, se.series_uid, i.blob_id, i.blob_length, i.sha256, i.transfer_syntax, i.data_key
        FROM instances i JOIN series se ON i.series_pk = se.pk JOIN studies st ON se.study_pk = st.pk
        """;

    public async Task<StudyPatient?> FindPatientByKeyAsync(long patientKey, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, "SELECT pk, clinic FROM patients WHERE pk = @pk", ("@pk", patientKey));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new StudyPatient(r.GetInt64(0), r.GetString(1)) : null;
    }

    public async Task<StudyPatient?> FindStudyPatientAsync(string studyInstanceUid, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, "SELECT p.pk, p.clinic FROM studies st JOIN patients p ON st.patient_pk = p.pk WHERE st.study_uid = @uid",
            ("@uid", studyInstanceUid));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new StudyPatient(r.GetInt64(0), r.GetString(1)) : null;
    }

    public Task<StudyPatient?> FindSeriesPatientAsync(string seriesInstanceUid, CancellationToken ct) => FindOwnerAsync("""
        SELECT p.pk, p.clinic FROM series se JOIN studies st ON se.study_pk = st.pk JOIN patients p ON st.patient_pk = p.pk WHERE se.series_uid = @uid
        """, seriesInstanceUid, ct);

    public Task<StudyPatient?> FindInstancePatientAsync(string sopInstanceUid, CancellationToken ct) => FindOwnerAsync("""
        SELECT p.pk, p.clinic FROM instances i JOIN series se ON i.series_pk = se.pk JOIN studies st ON se.study_pk = st.pk
        JOIN patients p ON st.patient_pk = p.pk WHERE i.sop_uid = @uid
        """, sopInstanceUid, ct);

    private async Task<StudyPatient?> FindOwnerAsync(string sql, string uid, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, sql, ("@uid", uid));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new StudyPatient(r.GetInt64(0), r.GetString(1)) : null;
    }

    public async Task<StoredInstance?> FindInstanceAsync(string sopInstanceUid, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, InstanceSelect + " WHERE i.sop_uid = @uid", ("@uid", sopInstanceUid));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadInstance(r) : null;
    }

    public async Task<IReadOnlyList<StoredInstance>> ListInstancesAsync(string studyUid, string? seriesUid, string? sopInstanceUid, CancellationToken ct)
    {
        var sql = InstanceSelect + " WHERE st.study_uid = @study AND " + RecordVersionsSchema.NotWithdrawn("i.sop_uid");
        var args = new List<(string, object)> { ("@study", studyUid) };
        if (seriesUid is not null) { sql += " AND se.series_uid = @series"; args.Add(("@series", seriesUid)); }
        if (sopInstanceUid is not null) { sql += " AND i.sop_uid = @sop"; args.Add(("@sop", sopInstanceUid)); }
        sql += " ORDER BY se.pk, i.pk";
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, sql, [.. args]);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<StoredInstance>();
        while (await r.ReadAsync(ct)) list.Add(ReadInstance(r));
        return list;
    }

    private static StoredInstance ReadInstance(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
            new StoredBlob(new BlobId(r.GetString(4)), r.GetInt64(5), r.GetString(6), r.GetString(7)),
            new DataKeyId(Guid.ParseExact(r.GetString(8), "N")));

    public async Task<IReadOnlySet<long>> ListPatientKeysAsync(string clinic, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, "SELECT pk FROM patients WHERE clinic = @clinic", ("@clinic", clinic));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var keys = new HashSet<long>();
        while (await r.ReadAsync(ct)) keys.Add(r.GetInt64(0));
        return keys;
    }

    public async Task<IndexOutcome> AddInstanceAsync(InstanceAttributes a, StoredBlob blob, DataKeyId blobKey, IngestOwner owner, VersionNote version, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(owner.Clinic)) throw new ArgumentException("a patient must belong to a clinic", nameof(owner));
        await using var c = await OpenAsync(ct);
        await using var tx = await c.BeginAsync(ct);
        var now = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        var outcome = IndexOutcome.Added;

        async Task<IndexOutcome> OwnerChangedAsync()
        {
            await tx.RollbackAsync(ct);
            return IndexOutcome.OwnerChanged;
        }

        // The Patient ID must still name the patient the decision was made for (a merge or a registration may have moved it).
        if (owner.PatientKey is not { } patientPk) return await OwnerChangedAsync();
        await using (var current = Command(c, tx, "SELECT patient_pk FROM patient_identifiers WHERE token = @t",
            ("@t", Sql.Patients.PatientTokens.Identity(Patients.Blind, Core.Patients.IdentifierType.DicomPatientId, a.IssuerOfPatientId, a.PatientId))))
        {
            var holder = await current.ExecuteScalarAsync(ct);
            if (holder is null or DBNull || Convert.ToInt64(holder, CultureInfo.InvariantCulture) != patientPk) return await OwnerChangedAsync();
        }
        if (owner.ReviewReasons.Count > 0)
        {
            // Same Patient ID, different identity: never merged silently (VISION: flagged for review).
            await ExecuteAsync(c, tx, "INSERT INTO review_flags (patient_pk, sop_uid, reason, created) VALUES (@p, @uid, @reason, @now)", ct,
                ("@p", patientPk), ("@uid", a.SopInstanceUid), ("@reason", string.Join("; ", owner.ReviewReasons)), ("@now", now));
            outcome = IndexOutcome.AddedPatientFlaggedForReview;
        }

        long studyPk = await UpsertAsync(c, tx, "studies", "study_uid", a.StudyInstanceUid, """
            INSERT INTO studies (patient_pk, study_uid, study_date, study_time, accession, study_id, study_description, referring_physician, sealed, data_key)
            VALUES (@parent, @uid, @date, @time, @acc, '', '', @ref, @sealed, @key) ON CONFLICT (study_uid) DO NOTHING RETURNING pk
            """, ct, ("@parent", patientPk), ("@uid", a.StudyInstanceUid), ("@date", a.StudyDate), ("@time", a.StudyTime), ("@acc", a.AccessionNumber),
            ("@ref", a.ReferringPhysicianName),
            ("@sealed", await Patients.SealDescriptionAsync(blobKey, Sql.Patients.SqlPatientStore.StudyAad(a.StudyInstanceUid), a.StudyDescription, ct, a.StudyId)),
            ("@key", blobKey.ToString()));
        await using (var studyOwner = Command(c, tx, "SELECT patient_pk FROM studies WHERE pk = @pk", ("@pk", studyPk)))
        {
            var ownerPk = Convert.ToInt64(await studyOwner.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            if (ownerPk != patientPk && ownerPk != owner.StudyPatientKey) return await OwnerChangedAsync();
        }
        long seriesPk = await UpsertAsync(c, tx, "series", "series_uid", a.SeriesInstanceUid, """
            INSERT INTO series (study_pk, series_uid, modality, series_number, series_description, body_part, sealed, data_key)
            VALUES (@parent, @uid, @mod, @num, '', @body, @sealed, @key) ON CONFLICT (series_uid) DO NOTHING RETURNING pk
            """, ct, ("@parent", studyPk), ("@uid", a.SeriesInstanceUid), ("@mod", a.Modality), ("@num", Text(a.SeriesNumber)),
            ("@body", a.BodyPartExamined),
            ("@sealed", await Patients.SealDescriptionAsync(blobKey, Sql.Patients.SqlPatientStore.SeriesAad(a.SeriesInstanceUid), a.SeriesDescription, ct)),
            ("@key", blobKey.ToString()));
        await using (var seriesStudy = Command(c, tx, "SELECT study_pk FROM series WHERE pk = @pk", ("@pk", seriesPk)))
        {
            // A Series Instance UID is unique in the world: one already in another study is a broken identity, not a new series.
            if (Convert.ToInt64(await seriesStudy.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) != studyPk)
            {
                await tx.RollbackAsync(ct);
                return IndexOutcome.SeriesOfAnotherStudy;
            }
        }
        try
        {
            await ExecuteAsync(c, tx, """
                INSERT INTO instances (series_pk, sop_uid, sop_class_uid, instance_number, frames, num_rows, num_columns, blob_id, blob_length, sha256, data_key, transfer_syntax, received)
                VALUES (@parent, @uid, @cls, @num, @frames, @rows, @cols, @blob, @len, @sha, @key, @ts, @now)
                """, ct, ("@parent", seriesPk), ("@uid", a.SopInstanceUid), ("@cls", a.SopClassUid), ("@num", Text(a.InstanceNumber)),
                ("@frames", Text(a.NumberOfFrames)), ("@rows", Text(a.Rows)), ("@cols", Text(a.Columns)), ("@blob", blob.Id.Value),
                ("@len", blob.Length), ("@sha", blob.Sha256), ("@key", blobKey.ToString()), ("@ts", blob.TransferSyntaxUid), ("@now", now));
        }
        catch (DbException ex) when (dialect.IsUniqueViolation(ex))
        {
            await tx.RollbackAsync(ct);
            return IndexOutcome.AlreadyStored;
        }
        // Version 1 of the new instance, in the same transaction (a new SOP Instance UID has no versions yet).
        await SqlRecordHistory.InsertAsync(c, tx, RecordKind.Instance, a.SopInstanceUid, patientPk, 1, version, now, RecordVersionsSchema.Current, ct);
        await tx.CommitAsync(ct);
        return outcome;
    }

    public async Task<int> AddVersionAsync(string sopInstanceUid, StoredBlob blob, DataKeyId blobKey, VersionNote version, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        await using var c = await OpenAsync(ct);
        await using var tx = await c.BeginAsync(ct);
        int moved = await ExecuteAsync(c, tx, """
            INSERT INTO instance_versions (sop_uid, blob_id, blob_length, sha256, data_key, transfer_syntax, received, superseded)
            SELECT sop_uid, blob_id, blob_length, sha256, data_key, transfer_syntax, received, @now FROM instances WHERE sop_uid = @uid
            """, ct, ("@uid", sopInstanceUid), ("@now", now));
        if (moved != 1) throw new InvalidOperationException($"no stored instance {sopInstanceUid} to version");
        await ExecuteAsync(c, tx, """
            UPDATE instances SET blob_id = @blob, blob_length = @len, sha256 = @sha, data_key = @key, transfer_syntax = @ts, received = @now
            WHERE sop_uid = @uid
            """, ct, ("@blob", blob.Id.Value), ("@len", blob.Length), ("@sha", blob.Sha256), ("@key", blobKey.ToString()),
            ("@ts", blob.TransferSyntaxUid), ("@now", now), ("@uid", sopInstanceUid));
        await AppendInstanceVersionAsync(c, tx, sopInstanceUid, version, now, ct);
        await using var count = Command(c, tx, "SELECT count(*) FROM instance_versions WHERE sop_uid = @uid", ("@uid", sopInstanceUid));
        int versions = Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        await tx.CommitAsync(ct);
        return versions;
    }

    /// <summary>
    /// The next record version of an instance, superseding the current one; an instance stored before versions were recorded
    /// first gets its version 1 (then superseded), so the numbers count every version kept.
    /// </summary>
    private static async Task AppendInstanceVersionAsync(DbConnection c, DbTransaction tx, string sopUid, VersionNote version, string now, CancellationToken ct)
    {
        long patientKey;
        bool unversioned;
        await using (var owner = Command(c, tx, """
            SELECT st.patient_pk, (SELECT count(*) FROM record_versions rv WHERE rv.kind = 'instance' AND rv.item_id = i.sop_uid)
            FROM instances i JOIN series se ON i.series_pk = se.pk JOIN studies st ON se.study_pk = st.pk WHERE i.sop_uid = @uid
            """, ("@uid", sopUid)))
        await using (var r = await owner.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) throw new InvalidOperationException($"no stored instance {sopUid} to version");
            (patientKey, unversioned) = (r.GetInt64(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture) == 0);
        }
        if (unversioned)
            await SqlRecordHistory.InsertAsync(c, tx, RecordKind.Instance, sopUid, patientKey, 1, new VersionNote("", MarkEnteredInError.UnversionedReason), now,
                RecordVersionsSchema.Current, ct);
        await SqlRecordHistory.AppendAsync(c, tx, RecordKind.Instance, sopUid, patientKey, version, now, ct);
    }

    public async IAsyncEnumerable<StoredInstance> ListAllInstancesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, InstanceSelect + " ORDER BY i.pk");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) yield return ReadInstance(r);
    }

    public async Task<IReadOnlySet<string>> ReferencedBlobIdsAsync(CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, "SELECT blob_id FROM instances UNION SELECT blob_id FROM instance_versions");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct)) set.Add(r.GetString(0));
        return set;
    }

    private static string Text(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static async Task<long> UpsertAsync(DbConnection c, DbTransaction tx, string table, string uidColumn, string uid, string insert,
        CancellationToken ct, params (string, object?)[] args)
    {
        await using (var ins = Command(c, tx, insert, args))
        {
            var inserted = await ins.ExecuteScalarAsync(ct);
            if (inserted is not null and not DBNull) return Convert.ToInt64(inserted, CultureInfo.InvariantCulture);
        }
        await using var sel = Command(c, tx, $"SELECT pk FROM {table} WHERE {uidColumn} = @uid", ("@uid", uid));
        return Convert.ToInt64(await sel.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static Task<int> ExecuteAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] args) =>
        SqlDb.ExecuteAsync(c, tx, sql, ct, args);

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] args) =>
        SqlDb.Command(c, tx, sql, args);
}
