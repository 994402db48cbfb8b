using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Enamel.Core.Keys;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Storage.Crypto;
using Enamel.Storage.Sql.Patients;

namespace Enamel.Storage.Sql;

public sealed partial class SqlStudyIndex
{
    private static readonly Dictionary<QueryLevel, string> Alias = new()
    {
        [QueryLevel.Patient] = "p", [QueryLevel.Study] = "st", [QueryLevel.Series] = "se", [QueryLevel.Instance] = "i",
    };

    /// <summary>Where each plain matching key lives (table alias and column); the sealed ones are in <see cref="Sealed"/>.</summary>
    private static readonly Dictionary<DicomTag, string> PlainColumns = new()
    {
        [DicomTags.PatientSex] = "p.sex",
        [DicomTags.StudyInstanceUID] = "st.study_uid",
        [DicomTags.StudyDate] = "st.study_date",
        [DicomTags.StudyTime] = "st.study_time",
        [DicomTags.AccessionNumber] = "st.accession",
        [DicomTags.ReferringPhysicianName] = "st.referring_physician",
        [DicomTags.SeriesInstanceUID] = "se.series_uid",
        [DicomTags.Modality] = "se.modality",
        [DicomTags.SeriesNumber] = "se.series_number",
        [DicomTags.BodyPartExamined] = "se.body_part",
        [DicomTags.SOPInstanceUID] = "i.sop_uid",
        [DicomTags.SOPClassUID] = "i.sop_class_uid",
        [DicomTags.InstanceNumber] = "i.instance_number",
        [DicomTags.NumberOfFrames] = "i.frames",
        [DicomTags.Rows] = "i.num_rows",
        [DicomTags.Columns] = "i.num_columns",
    };

    /// <summary>Matching keys stored sealed: matched through blind tokens where a token can say it, otherwise on the opened values.</summary>
    private static readonly HashSet<DicomTag> Sealed =
        [DicomTags.PatientID, DicomTags.IssuerOfPatientID, DicomTags.PatientName, DicomTags.PatientBirthDate, DicomTags.StudyDescription, DicomTags.StudyID,
         DicomTags.SeriesDescription];

    /// <summary>The most rows a search that has to open values to match may look at (the largest page QIDO allows).</summary>
    private const int MaxCandidates = 100_000;

    public async Task<IReadOnlyList<IReadOnlyDictionary<DicomTag, string>>> SearchAsync(StudyQuery query, CancellationToken ct)
    {
        if (query.Limit is < 1 or > 100_000) throw new InvalidQueryException($"limit {query.Limit} is out of range 1..100000");
        if (query.Offset < 0) throw new InvalidQueryException($"offset {query.Offset} is negative");
        var blind = Patients.Blind;
        var sql = new StringBuilder();
        var args = new List<(string, object)>();
        var level = query.Level;
        var columns = IndexedAttributes.ReturnedAt(level).ToList();
        sql.Append("SELECT p.pk AS p_pk, p.data_key AS p_key, p.version AS p_version, p.sealed AS p_sealed, p.sex AS p_sex");
        if (level >= QueryLevel.Study)
        {
            sql.Append(", st.study_uid, st.study_date, st.study_time, st.accession, st.referring_physician, st.sealed AS st_sealed, st.data_key AS st_key");
            sql.Append($", (SELECT {dialect.StringAggregate("se2.modality")} FROM series se2 WHERE se2.study_pk = st.pk) AS modalities");
            sql.Append(", (SELECT count(*) FROM series se2 WHERE se2.study_pk = st.pk) AS series_count");
            sql.Append($", (SELECT count(*) FROM instances i2 JOIN series se2 ON i2.series_pk = se2.pk WHERE se2.study_pk = st.pk AND {RecordVersionsSchema.NotWithdrawn("i2.sop_uid")}) AS instance_count");
        }
        if (level >= QueryLevel.Series)
        {
            sql.Append(", se.series_uid, se.modality, se.series_number, se.body_part, se.sealed AS se_sealed, se.data_key AS se_key");
            if (level == QueryLevel.Series) sql.Append($", (SELECT count(*) FROM instances i2 WHERE i2.series_pk = se.pk AND {RecordVersionsSchema.NotWithdrawn("i2.sop_uid")}) AS series_instances");
        }
        if (level >= QueryLevel.Instance) sql.Append(", i.sop_uid, i.sop_class_uid, i.instance_number, i.frames, i.num_rows, i.num_columns");
        sql.Append(" FROM patients p");
        if (level >= QueryLevel.Study) sql.Append(" JOIN studies st ON st.patient_pk = p.pk");
        if (level >= QueryLevel.Series) sql.Append(" JOIN series se ON se.study_pk = st.pk");
        if (level >= QueryLevel.Instance) sql.Append(" JOIN instances i ON i.series_pk = se.pk");
        // A merged record answers through its survivor (its studies moved there); it is not a patient of its own any more.
        sql.Append(" WHERE p.sealed <> '' AND p.status <> 'merged'");
        // An instance marked entered-in-error is withdrawn: neither matched nor counted.
        if (level == QueryLevel.Instance) sql.Append(" AND ").Append(RecordVersionsSchema.NotWithdrawn("i.sop_uid"));
        if (query.Reach is { } reach)
        {
            // Only patients the caller reaches: their clinics' patients and the patients named one by one.
            var reachable = new List<string>();
            if (reach.Clinics.Count > 0) reachable.Add($"p.clinic IN ({string.Join(", ", reach.Clinics.Order(StringComparer.Ordinal).Select(v => Add(args, v)))})");
            if (reach.PatientKeys.Count > 0) reachable.Add(dialect.InJsonIntegers("p.pk", Add(args, SqlDb.JsonIntegers(reach.PatientKeys))));
            sql.Append(reachable.Count == 0 ? " AND 1 = 0" : $" AND ({string.Join(" OR ", reachable)})");
        }

        var inMemory = new List<(DicomTag Tag, DicomVR VR, string Value)>();
        foreach (var (tag, value) in query.Filters)
        {
            if (value.Length == 0) continue; // universal matching: returned, not filtered
            if (tag == DicomTags.ModalitiesInStudy && level == QueryLevel.Study)
            {
                var names = AddList(args, value);
                sql.Append($" AND EXISTS (SELECT 1 FROM series se3 WHERE se3.study_pk = st.pk AND se3.modality IN ({names}))");
                continue;
            }
            var column = IndexedAttributes.Find(tag)
                ?? throw new InvalidQueryException($"{tag} {DicomDictionary.KeywordOf(tag)} is not a supported matching key");
            if (column.Level > level)
                throw new InvalidQueryException($"{DicomDictionary.KeywordOf(tag)} cannot be matched at {level.ToString().ToLowerInvariant()} level");
            if (!Sealed.Contains(tag))
            {
                sql.Append(" AND ").Append(Match(PlainColumns[tag], column.VR, value, query.FuzzyMatching, args));
                continue;
            }
            if (SealedToken(blind, tag, value, query.FuzzyMatching) is { } token)
            {
                sql.Append($" AND p.pk IN (SELECT patient_pk FROM patient_tokens WHERE token = {Add(args, token.Token)})");
                if (token.Exact) continue; // the token says it all (a PatientID token also finds the aliases of merged records)
            }
            inMemory.Add((tag, column.VR, value));
        }
        int take = inMemory.Count == 0 ? query.Limit : MaxCandidates;
        int skip = inMemory.Count == 0 ? query.Offset : 0;
        sql.Append($" ORDER BY {Alias[level]}.pk LIMIT @limit OFFSET @offset");
        args.Add(("@limit", take));
        args.Add(("@offset", skip));

        var results = new List<IReadOnlyDictionary<DicomTag, string>>();
        int matched = 0;
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, sql.ToString(), [.. args]);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var row = await ReadRowAsync(r, level, ct);
            if (row is null) continue; // the patient's data key is destroyed: unreadable by design
            if (!inMemory.All(f => Matches(row.TryGetValue(f.Tag, out var v) ? v : "", f.VR, f.Value, query.FuzzyMatching))) continue;
            if (inMemory.Count > 0 && matched++ < query.Offset) continue;
            var answer = new Dictionary<DicomTag, string>();
            foreach (var col in columns) answer[col.Tag] = row.TryGetValue(col.Tag, out var v) ? v : "";
            foreach (var extra in new[] { DicomTags.ModalitiesInStudy, DicomTags.NumberOfStudyRelatedSeries, DicomTags.NumberOfStudyRelatedInstances, DicomTags.NumberOfSeriesRelatedInstances })
                if (row.TryGetValue(extra, out var v)) answer[extra] = v;
            results.Add(answer);
            if (results.Count == query.Limit) break;
        }
        return results;
    }

    /// <summary>One result row with every sealed value opened; null when a key it needs is destroyed.</summary>
    private async Task<Dictionary<DicomTag, string>?> ReadRowAsync(DbDataReader r, QueryLevel level, CancellationToken ct)
    {
        var row = new Dictionary<DicomTag, string>();
        string S(string name) => r.GetString(r.GetOrdinal(name));
        string Count(string name) => Convert.ToInt64(r.GetValue(r.GetOrdinal(name)), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        try
        {
            var patientKey = await Patients.Sealer.FieldKeyAsync(KeyOf(S("p_key")), ct);
            var (demographics, patientId, issuer) = SqlPatientStore.OpenCurrent(patientKey, r.GetInt64(r.GetOrdinal("p_pk")), r.GetInt64(r.GetOrdinal("p_version")), S("p_sealed"));
            row[DicomTags.PatientID] = patientId;
            row[DicomTags.IssuerOfPatientID] = issuer;
            row[DicomTags.PatientName] = demographics.Name.ToDicom();
            row[DicomTags.PatientBirthDate] = demographics.BirthDate;
            row[DicomTags.PatientSex] = S("p_sex");
            if (level >= QueryLevel.Study)
            {
                var uid = S("study_uid");
                row[DicomTags.StudyInstanceUID] = uid;
                row[DicomTags.StudyDate] = S("study_date");
                row[DicomTags.StudyTime] = S("study_time");
                row[DicomTags.AccessionNumber] = S("accession");
                row[DicomTags.ReferringPhysicianName] = S("referring_physician");
                var sealedStudy = await OpenDescriptionAsync(S("st_key"), SqlPatientStore.StudyAad(uid), S("st_sealed"), ct);
                row[DicomTags.StudyDescription] = sealedStudy.Description;
                row[DicomTags.StudyID] = sealedStudy.StudyId;
                var modalities = r.GetValue(r.GetOrdinal("modalities"));
                row[DicomTags.ModalitiesInStudy] = modalities is DBNull ? "" : ((string)modalities).Replace(',', '\\');
                row[DicomTags.NumberOfStudyRelatedSeries] = Count("series_count");
                row[DicomTags.NumberOfStudyRelatedInstances] = Count("instance_count");
            }
            if (level >= QueryLevel.Series)
            {
                var uid = S("series_uid");
                row[DicomTags.SeriesInstanceUID] = uid;
                row[DicomTags.Modality] = S("modality");
                row[DicomTags.SeriesNumber] = S("series_number");
                row[DicomTags.BodyPartExamined] = S("body_part");
                row[DicomTags.SeriesDescription] = (await OpenDescriptionAsync(S("se_key"), SqlPatientStore.SeriesAad(uid), S("se_sealed"), ct)).Description;
                if (level == QueryLevel.Series) row[DicomTags.NumberOfSeriesRelatedInstances] = Count("series_instances");
            }
            if (level >= QueryLevel.Instance)
            {
                row[DicomTags.SOPInstanceUID] = S("sop_uid");
                row[DicomTags.SOPClassUID] = S("sop_class_uid");
                row[DicomTags.InstanceNumber] = S("instance_number");
                row[DicomTags.NumberOfFrames] = S("frames");
                row[DicomTags.Rows] = S("num_rows");
                row[DicomTags.Columns] = S("num_columns");
            }
        }
        catch (KeyDestroyedException)
        {
            return null;
        }
        return row;
    }

    private async Task<SqlPatientStore.DescriptionPayload> OpenDescriptionAsync(string key, string aad, string sealedText, CancellationToken ct) =>
        key.Length == 0 || sealedText.Length == 0 ? new SqlPatientStore.DescriptionPayload("")
            : SqlPatientStore.OpenDescription(await Patients.Sealer.FieldKeyAsync(KeyOf(key), ct), aad, sealedText);

    private static DataKeyId KeyOf(string text) =>
        Guid.TryParseExact(text, "N", out var g) ? new DataKeyId(g) : throw new CryptographicException("a data key reference is damaged");

    /// <summary>
    /// The blind token that narrows a sealed matching key, if one can: exact (the token decides) or a candidate filter
    /// (the opened value is matched too). Null: matched only on opened values (a leading wildcard, a date range, descriptions).
    /// </summary>
    private static (string Token, bool Exact)? SealedToken(BlindIndex blind, DicomTag tag, string value, bool fuzzy)
    {
        bool wildcard = value.Contains('*') || value.Contains('?');
        if (tag == DicomTags.PatientID)
            return wildcard || value.Contains('\\') ? null : (PatientTokens.PatientId(blind, value), true);
        if (tag == DicomTags.PatientBirthDate)
            return value.Contains('-') || value.Contains('\\') ? null : (PatientTokens.BirthDate(blind, value), true);
        if (tag == DicomTags.PatientName)
        {
            if (fuzzy)
            {
                var literal = wildcard ? value[..value.IndexOfAny(['*', '?'])] : value;
                return literal.Length == 0 || literal.Contains('^') || literal.Contains('=') ? null : (PatientTokens.NamePart(blind, literal), false);
            }
            if (!wildcard) return (PatientTokens.NameExact(blind, Core.Patients.PersonNames.Parse(value).ToDicom()), true);
            var prefix = value[..value.IndexOfAny(['*', '?'])];
            return prefix.Length == 0 ? null : (PatientTokens.NamePrefix(blind, prefix), false);
        }
        return null;
    }

    /// <summary>PS3.4 C.2.2.2 matching of one opened value, the same rules as <see cref="Match"/> gives SQL.</summary>
    private static bool Matches(string stored, DicomVR vr, string value, bool fuzzy)
    {
        if (vr is DicomVR.DA or DicomVR.TM or DicomVR.DT && value.Contains('-'))
        {
            var parts = value.Split('-', 2);
            if (stored.Length == 0) return false;
            if (parts[0].Length > 0 && string.CompareOrdinal(stored, parts[0]) < 0) return false;
            if (parts[1].Length > 0 && string.CompareOrdinal(stored, parts[1] + (vr == DicomVR.DA ? "" : "\uffff")) > 0) return false;
            return true;
        }
        if (vr == DicomVR.PN)
        {
            var s = stored.ToLowerInvariant();
            var v = value.ToLowerInvariant();
            if (!fuzzy) return Glob(s, v);
            // Any name component (or the whole value) starting with the value, ignoring case.
            var starts = new[] { s }.Concat(s.Split(['^', '=', ' '], StringSplitOptions.RemoveEmptyEntries));
            return starts.Any(part => Glob(part, v.EndsWith('*') ? v : v + "*"));
        }
        if (value.Contains('\\')) return value.Split('\\').Any(v => v == stored);
        return Glob(stored, value);
    }

    /// <summary>'*' any run, '?' one character, everything else literal.</summary>
    private static bool Glob(string text, string pattern)
    {
        int t = 0, p = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { t++; p++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>Translates one matching key (PS3.4 C.2.2.2) into SQL over a text column.</summary>
    private static string Match(string column, DicomVR vr, string value, bool fuzzy, List<(string, object)> args)
    {
        if (vr == DicomVR.UI)
        {
            var uids = value.Split('\\', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return uids.Length == 1 ? $"{column} = {Add(args, uids[0])}" : $"{column} IN ({AddList(args, value)})";
        }
        if (vr is DicomVR.DA or DicomVR.TM or DicomVR.DT && value.Contains('-'))
        {
            var parts = value.Split('-', 2);
            var conditions = new List<string> { $"{column} <> ''" };
            if (parts[0].Length > 0) conditions.Add($"{column} >= {Add(args, parts[0])}");
            // An upper date bound includes the whole day/time given (e.g. "-1200" includes 12:00:59).
            if (parts[1].Length > 0) conditions.Add($"{column} <= {Add(args, parts[1] + (vr == DicomVR.DA ? "" : "\uffff"))}");
            return "(" + string.Join(" AND ", conditions) + ")";
        }
        bool wildcard = value.Contains('*') || value.Contains('?');
        if (vr == DicomVR.PN)
        {
            var pattern = wildcard ? LikePattern(value) : EscapeLike(value);
            if (fuzzy)
            {
                // Any name component starting with the value, ignoring case.
                var p1 = Add(args, pattern + "%");
                var p2 = Add(args, "%^" + pattern + "%");
                var p3 = Add(args, "% " + pattern + "%");
                return $"(lower({column}) LIKE lower({p1}) ESCAPE '\\' OR lower({column}) LIKE lower({p2}) ESCAPE '\\' OR lower({column}) LIKE lower({p3}) ESCAPE '\\')";
            }
            return $"lower({column}) LIKE lower({Add(args, pattern)}) ESCAPE '\\'";
        }
        if (wildcard) return $"{column} LIKE {Add(args, LikePattern(value))} ESCAPE '\\'";
        if (vr.IsMultiValuedString() && value.Contains('\\')) return $"{column} IN ({AddList(args, value)})";
        return $"{column} = {Add(args, value)}";
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static string LikePattern(string value) => EscapeLike(value).Replace('*', '%').Replace('?', '_');

    private static string Add(List<(string, object)> args, string value)
    {
        var name = "@a" + args.Count.ToString(CultureInfo.InvariantCulture);
        args.Add((name, value));
        return name;
    }

    private static string AddList(List<(string, object)> args, string value) =>
        string.Join(", ", value.Split('\\', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => Add(args, v)));
}
