using System.Data.Common;
using System.Globalization;
using Dapper;
using Enamel.Core.Blobs;
using Enamel.Core.Keys;
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

    public SqlDialect Dialect => dialect;

    private Task<SqlLease> OpenAsync(CancellationToken ct) => db.OpenAsync(ct);

    /// <summary>Brings the database to the current schema (<see cref="Migrations.MigrationRunner"/>; a no-op when up to date).</summary>
    public Task InitializeAsync(CancellationToken ct) => new Migrations.MigrationRunner(dialect).RunAsync(new(defaultClinic), ct);

    public async Task<PatientRecord?> FindPatientAsync(string patientId, string issuer, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        return await FindPatientAsync(c, null, patientId, issuer, ct);
    }

    private static async Task<PatientRecord?> FindPatientAsync(DbConnection c, DbTransaction? tx, string patientId, string issuer, CancellationToken ct)
    {
        var rows = await SqlDb.ListAsync<PatientRow>(c, tx,
            "SELECT pk, patient_id, issuer, patient_name, birth_date, data_key, clinic FROM patients WHERE patient_id = @patientId AND issuer = @issuer",
            new { patientId, issuer }, ct);
        return rows.SingleOrDefault()?.ToRecord();
    }

    /// <summary>A patients row, mapped by column name.</summary>
    private sealed class PatientRow
    {
        public long Pk { get; init; }
        public string PatientId { get; init; } = "";
        public string Issuer { get; init; } = "";
        public string PatientName { get; init; } = "";
        public string BirthDate { get; init; } = "";
        public string DataKey { get; init; } = "";
        public string Clinic { get; init; } = "";

        public PatientRecord ToRecord() => new(Pk, PatientId, Issuer, PatientName, BirthDate, new DataKeyId(Guid.ParseExact(DataKey, "N")), Clinic);
    }

    /// <summary>The owner (patient key and clinic) of a patient or study, mapped by column name.</summary>
    private sealed class OwnerRow
    {
        public long Pk { get; init; }
        public string Clinic { get; init; } = "";
    }

    private const string InstanceSelect = """
        SELECT i.sop_uid, i.sop_class_uid, st.study_uid, se.series_uid, i.blob_id, i.blob_length, i.sha256, i.transfer_syntax, i.data_key
        FROM instances i JOIN series se ON i.series_pk = se.pk JOIN studies st ON se.study_pk = st.pk
        """;

    /// <summary>A row of <see cref="InstanceSelect"/>, mapped by column name.</summary>
    private sealed class InstanceRow
    {
        public string SopUid { get; init; } = "";
        public string SopClassUid { get; init; } = "";
        public string StudyUid { get; init; } = "";
        public string SeriesUid { get; init; } = "";
        public string BlobId { get; init; } = "";
        public long BlobLength { get; init; }
        public string Sha256 { get; init; } = "";
        public string TransferSyntax { get; init; } = "";
        public string DataKey { get; init; } = "";

        public StoredInstance ToInstance() =>
            new(SopUid, SopClassUid, StudyUid, SeriesUid, new StoredBlob(new BlobId(BlobId), BlobLength, Sha256, TransferSyntax),
                new DataKeyId(Guid.ParseExact(DataKey, "N")));
    }

    public async Task<StudyPatient?> FindPatientByKeyAsync(long patientKey, CancellationToken ct)
    {
        var rows = await db.ListAsync<OwnerRow>("SELECT pk, clinic FROM patients WHERE pk = @patientKey", new { patientKey }, ct);
        return rows.SingleOrDefault() is { } r ? new StudyPatient(r.Pk, r.Clinic) : null;
    }

    public async Task<StudyPatient?> FindStudyPatientAsync(string studyInstanceUid, CancellationToken ct)
    {
        var rows = await db.ListAsync<OwnerRow>("SELECT p.pk, p.clinic FROM studies st JOIN patients p ON st.patient_pk = p.pk WHERE st.study_uid = @studyInstanceUid",
            new { studyInstanceUid }, ct);
        return rows.SingleOrDefault() is { } r ? new StudyPatient(r.Pk, r.Clinic) : null;
    }

    public async Task<StoredInstance?> FindInstanceAsync(string sopInstanceUid, CancellationToken ct)
    {
        return (await db.ListAsync<InstanceRow>(InstanceSelect + " WHERE i.sop_uid = @sopInstanceUid", new { sopInstanceUid }, ct)).SingleOrDefault()?.ToInstance();
    }

    public async Task<IReadOnlyList<StoredInstance>> ListInstancesAsync(string studyUid, string? seriesUid, string? sopInstanceUid, CancellationToken ct)
    {
        var sql = InstanceSelect + " WHERE st.study_uid = @studyUid";
        if (seriesUid is not null) sql += " AND se.series_uid = @seriesUid";
        if (sopInstanceUid is not null) sql += " AND i.sop_uid = @sopInstanceUid";
        sql += " ORDER BY se.pk, i.pk";
        return [.. (await db.ListAsync<InstanceRow>(sql, new { studyUid, seriesUid, sopInstanceUid }, ct)).Select(r => r.ToInstance())];
    }

    public async Task<IReadOnlySet<long>> ListPatientKeysAsync(string clinic, CancellationToken ct)
    {
        return new HashSet<long>(await db.ListAsync<long>("SELECT pk FROM patients WHERE clinic = @clinic", new { clinic }, ct));
    }

    public async Task<bool> MovePatientAsync(long patientKey, string clinic, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(clinic)) throw new ArgumentException("a patient must belong to a clinic", nameof(clinic));
        await using var c = await OpenAsync(ct);
        return await ExecuteAsync(c, null, "UPDATE patients SET clinic = @clinic WHERE pk = @pk", ct, ("@clinic", clinic), ("@pk", patientKey)) == 1;
    }

    public async Task<IndexOutcome> AddInstanceAsync(InstanceAttributes a, StoredBlob blob, DataKeyId blobKey, IngestOwner owner, CancellationToken ct)
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

        var patient = await FindPatientAsync(c, tx, a.PatientId, a.IssuerOfPatientId, ct);
        if (patient?.Key != owner.PatientKey) return await OwnerChangedAsync();
        long patientPk;
        if (patient is null)
        {
            // DO NOTHING: a concurrent transaction (PostgreSQL) created this Patient ID first; it was not decided on.
            await using var insert = Command(c, tx, """
                INSERT INTO patients (patient_id, issuer, patient_name, birth_date, sex, data_key, created, clinic)
                VALUES (@id, @issuer, @name, @birth, @sex, @key, @now, @clinic) ON CONFLICT (patient_id, issuer) DO NOTHING RETURNING pk
                """, ("@id", a.PatientId), ("@issuer", a.IssuerOfPatientId), ("@name", a.PatientName), ("@birth", a.PatientBirthDate),
                ("@sex", a.PatientSex), ("@key", blobKey.ToString()), ("@now", now), ("@clinic", owner.Clinic));
            var inserted = await insert.ExecuteScalarAsync(ct);
            if (inserted is null or DBNull) return await OwnerChangedAsync();
            patientPk = Convert.ToInt64(inserted, CultureInfo.InvariantCulture);
        }
        else
        {
            patientPk = patient.Key;
            // Same Patient ID, different identity: never merge silently (VISION: flagged for review).
            var reasons = new List<string>();
            if (a.PatientName.Length > 0 && patient.Name.Length > 0 && !string.Equals(a.PatientName, patient.Name, StringComparison.OrdinalIgnoreCase))
                reasons.Add("patient name differs");
            if (a.PatientBirthDate.Length > 0 && patient.BirthDate.Length > 0 && a.PatientBirthDate != patient.BirthDate)
                reasons.Add("birth date differs");
            if (reasons.Count > 0)
            {
                await ExecuteAsync(c, tx, "INSERT INTO review_flags (patient_pk, sop_uid, reason, created) VALUES (@p, @uid, @reason, @now)", ct,
                    ("@p", patientPk), ("@uid", a.SopInstanceUid), ("@reason", string.Join("; ", reasons)), ("@now", now));
                outcome = IndexOutcome.AddedPatientFlaggedForReview;
            }
        }

        long studyPk = await UpsertAsync(c, tx, "studies", "study_uid", a.StudyInstanceUid, """
            INSERT INTO studies (patient_pk, study_uid, study_date, study_time, accession, study_id, study_description, referring_physician)
            VALUES (@parent, @uid, @date, @time, @acc, @sid, @desc, @ref) ON CONFLICT (study_uid) DO NOTHING RETURNING pk
            """, ct, ("@parent", patientPk), ("@uid", a.StudyInstanceUid), ("@date", a.StudyDate), ("@time", a.StudyTime), ("@acc", a.AccessionNumber),
            ("@sid", a.StudyId), ("@desc", a.StudyDescription), ("@ref", a.ReferringPhysicianName));
        await using (var studyOwner = Command(c, tx, "SELECT patient_pk FROM studies WHERE pk = @pk", ("@pk", studyPk)))
        {
            var ownerPk = Convert.ToInt64(await studyOwner.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            if (ownerPk != patientPk && ownerPk != owner.StudyPatientKey) return await OwnerChangedAsync();
        }
        long seriesPk = await UpsertAsync(c, tx, "series", "series_uid", a.SeriesInstanceUid, """
            INSERT INTO series (study_pk, series_uid, modality, series_number, series_description, body_part)
            VALUES (@parent, @uid, @mod, @num, @desc, @body) ON CONFLICT (series_uid) DO NOTHING RETURNING pk
            """, ct, ("@parent", studyPk), ("@uid", a.SeriesInstanceUid), ("@mod", a.Modality), ("@num", Text(a.SeriesNumber)),
            ("@desc", a.SeriesDescription), ("@body", a.BodyPartExamined));
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
        await tx.CommitAsync(ct);
        return outcome;
    }

    public async Task<int> AddVersionAsync(string sopInstanceUid, StoredBlob blob, DataKeyId blobKey, CancellationToken ct)
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
        await using var count = Command(c, tx, "SELECT count(*) FROM instance_versions WHERE sop_uid = @uid", ("@uid", sopInstanceUid));
        int versions = Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        await tx.CommitAsync(ct);
        return versions;
    }

    public async IAsyncEnumerable<StoredInstance> ListAllInstancesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await foreach (var row in c.Connection.QueryUnbufferedAsync<InstanceRow>(InstanceSelect + " ORDER BY i.pk", transaction: c.Transaction).WithCancellation(ct))
            yield return row.ToInstance();
    }

    public async Task<IReadOnlySet<string>> ReferencedBlobIdsAsync(CancellationToken ct)
    {
        return new HashSet<string>(await db.ListAsync<string>("SELECT blob_id FROM instances UNION SELECT blob_id FROM instance_versions", null, ct), StringComparer.Ordinal);
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
