using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Enamel.Core.Studies;
using Enamel.Dicom;

namespace Enamel.Storage.Sql;

public sealed partial class SqlStudyIndex
{
    private static readonly Dictionary<QueryLevel, string> Alias = new()
    {
        [QueryLevel.Patient] = "p", [QueryLevel.Study] = "st", [QueryLevel.Series] = "se", [QueryLevel.Instance] = "i",
    };

    /// <summary>The SQL column of each indexed attribute (<see cref="IndexedAttributes"/>), in the table of its level.</summary>
    private static readonly Dictionary<DicomTag, string> ColumnNames = new()
    {
        [DicomTags.PatientID] = "patient_id",
        [DicomTags.IssuerOfPatientID] = "issuer",
        [DicomTags.PatientName] = "patient_name",
        [DicomTags.PatientBirthDate] = "birth_date",
        [DicomTags.PatientSex] = "sex",
        [DicomTags.StudyInstanceUID] = "study_uid",
        [DicomTags.StudyDate] = "study_date",
        [DicomTags.StudyTime] = "study_time",
        [DicomTags.AccessionNumber] = "accession",
        [DicomTags.StudyID] = "study_id",
        [DicomTags.StudyDescription] = "study_description",
        [DicomTags.ReferringPhysicianName] = "referring_physician",
        [DicomTags.SeriesInstanceUID] = "series_uid",
        [DicomTags.Modality] = "modality",
        [DicomTags.SeriesNumber] = "series_number",
        [DicomTags.SeriesDescription] = "series_description",
        [DicomTags.BodyPartExamined] = "body_part",
        [DicomTags.SOPInstanceUID] = "sop_uid",
        [DicomTags.SOPClassUID] = "sop_class_uid",
        [DicomTags.InstanceNumber] = "instance_number",
        [DicomTags.NumberOfFrames] = "frames",
        [DicomTags.Rows] = "num_rows",
        [DicomTags.Columns] = "num_columns",
    };

    private static string Sql(IndexedAttributes.Column column) => $"{Alias[column.Level]}.{ColumnNames[column.Tag]}";

    public async Task<IReadOnlyList<IReadOnlyDictionary<DicomTag, string>>> SearchAsync(StudyQuery query, CancellationToken ct)
    {
        if (query.Limit is < 1 or > 100_000) throw new InvalidQueryException($"limit {query.Limit} is out of range 1..100000");
        if (query.Offset < 0) throw new InvalidQueryException($"offset {query.Offset} is negative");
        var sql = new StringBuilder();
        var args = new List<(string, object)>();
        var columns = IndexedAttributes.ReturnedAt(query.Level).ToList();
        sql.Append("SELECT ").AppendJoin(", ", columns.Select(c => $"{Sql(c)} AS {ColumnNames[c.Tag]}"));
        if (query.Level == QueryLevel.Study)
        {
            sql.Append($", (SELECT {dialect.StringAggregate("se2.modality")} FROM series se2 WHERE se2.study_pk = st.pk) AS modalities_in_study");
            sql.Append(", (SELECT count(*) FROM series se2 WHERE se2.study_pk = st.pk) AS study_series");
            sql.Append(", (SELECT count(*) FROM instances i2 JOIN series se2 ON i2.series_pk = se2.pk WHERE se2.study_pk = st.pk) AS study_instances");
        }
        else if (query.Level == QueryLevel.Series)
        {
            sql.Append(", (SELECT count(*) FROM instances i2 WHERE i2.series_pk = se.pk) AS series_instances");
        }
        sql.Append(" FROM patients p");
        if (query.Level >= QueryLevel.Study) sql.Append(" JOIN studies st ON st.patient_pk = p.pk");
        if (query.Level >= QueryLevel.Series) sql.Append(" JOIN series se ON se.study_pk = st.pk");
        if (query.Level >= QueryLevel.Instance) sql.Append(" JOIN instances i ON i.series_pk = se.pk");
        sql.Append(" WHERE 1 = 1");
        if (query.Reach is { } reach)
        {
            // Only patients the caller reaches: their clinics' patients and the patients named one by one.
            var reachable = new List<string>();
            if (reach.Clinics.Count > 0) reachable.Add($"p.clinic IN ({string.Join(", ", reach.Clinics.Order(StringComparer.Ordinal).Select(v => Add(args, v)))})");
            if (reach.PatientKeys.Count > 0) reachable.Add(dialect.InJsonIntegers("p.pk", Add(args, SqlDb.JsonIntegers(reach.PatientKeys))));
            sql.Append(reachable.Count == 0 ? " AND 1 = 0" : $" AND ({string.Join(" OR ", reachable)})");
        }

        foreach (var (tag, value) in query.Filters)
        {
            if (value.Length == 0) continue; // universal matching: returned, not filtered
            if (tag == DicomTags.ModalitiesInStudy && query.Level == QueryLevel.Study)
            {
                var names = AddList(args, value);
                sql.Append($" AND EXISTS (SELECT 1 FROM series se3 WHERE se3.study_pk = st.pk AND se3.modality IN ({names}))");
                continue;
            }
            var column = IndexedAttributes.Find(tag)
                ?? throw new InvalidQueryException($"{tag} {DicomDictionary.KeywordOf(tag)} is not a supported matching key");
            if (column.Level > query.Level)
                throw new InvalidQueryException($"{DicomDictionary.KeywordOf(tag)} cannot be matched at {query.Level.ToString().ToLowerInvariant()} level");
            sql.Append(" AND ").Append(Match(Sql(column), column.VR, value, query.FuzzyMatching, args));
        }
        sql.Append($" ORDER BY {Alias[query.Level]}.pk LIMIT @limit OFFSET @offset");
        args.Add(("@limit", query.Limit));
        args.Add(("@offset", query.Offset));

        var parameters = new DynamicParameters();
        foreach (var (name, value) in args) parameters.Add(name, value);
        await using var c = await OpenAsync(ct);
        var results = new List<IReadOnlyDictionary<DicomTag, string>>();
        // Each value is read by its column name (the SELECT names every column), never by position.
        foreach (IDictionary<string, object?> r in await c.Connection.QueryAsync(new CommandDefinition(sql.ToString(), parameters, c.Transaction, cancellationToken: ct)))
        {
            static string Count(object? v) => Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            var row = new Dictionary<DicomTag, string>();
            foreach (var column in columns) row[column.Tag] = (string)r[ColumnNames[column.Tag]]!;
            if (query.Level == QueryLevel.Study)
            {
                row[DicomTags.ModalitiesInStudy] = r["modalities_in_study"] is string m ? m.Replace(',', '\\') : "";
                row[DicomTags.NumberOfStudyRelatedSeries] = Count(r["study_series"]);
                row[DicomTags.NumberOfStudyRelatedInstances] = Count(r["study_instances"]);
            }
            else if (query.Level == QueryLevel.Series)
            {
                row[DicomTags.NumberOfSeriesRelatedInstances] = Count(r["series_instances"]);
            }
            results.Add(row);
        }
        return results;
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
