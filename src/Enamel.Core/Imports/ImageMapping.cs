using Enamel.Dicom;

namespace Enamel.Core.Imports;

/// <summary>The patient and series a plain image belongs to, before UIDs are assigned.</summary>
public sealed record ImagePatient(string PatientId, string PatientName, string BirthDate, string Sex, string Modality, string StudyDate);

/// <summary>
/// Which patient each plain JPEG/PNG/TIFF image belongs to: one patient for every image (command-line flags), or a
/// CSV file with a header row and columns file, patient_id, patient_name[, birth_date, sex, modality, study_date].
/// </summary>
public sealed class ImageMapping
{
    private readonly ImagePatient? everyone;
    private readonly Dictionary<string, ImagePatient> byFile = new(StringComparer.OrdinalIgnoreCase);

    private ImageMapping(ImagePatient? everyone) => this.everyone = everyone;

    public static ImageMapping ForAll(ImagePatient patient)
    {
        Validate(patient, "the command line");
        return new ImageMapping(patient);
    }

    public static ImageMapping FromCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0) throw new InvalidDataException($"{path} is empty");
        var header = Split(lines[0]).Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Column(string name, bool required)
        {
            int i = header.IndexOf(name);
            if (i < 0 && required) throw new InvalidDataException($"{path}: the header row has no '{name}' column (need file, patient_id, patient_name)");
            return i;
        }
        int file = Column("file", true), id = Column("patient_id", true), name = Column("patient_name", true);
        int birth = Column("birth_date", false), sex = Column("sex", false), modality = Column("modality", false), date = Column("study_date", false);
        var mapping = new ImageMapping(null);
        for (int n = 1; n < lines.Count; n++)
        {
            var f = Split(lines[n]);
            string At(int i) => i >= 0 && i < f.Count ? f[i].Trim() : "";
            var patient = new ImagePatient(At(id), At(name), At(birth), At(sex).ToUpperInvariant(), At(modality) is { Length: > 0 } m ? m.ToUpperInvariant() : "OT", At(date));
            Validate(patient, $"{path} line {n + 1}");
            var key = At(file).Replace('\\', '/');
            if (key.Length == 0) throw new InvalidDataException($"{path} line {n + 1}: no file name");
            mapping.byFile[key] = patient;
        }
        return mapping;
    }

    /// <summary>The patient for an image (matched by its path inside the source, or by its file name alone).</summary>
    public ImagePatient? Find(string name)
    {
        if (everyone is not null) return everyone;
        var normalised = name.Replace('\\', '/');
        return byFile.TryGetValue(normalised, out var p) ? p : byFile.TryGetValue(Path.GetFileName(normalised), out p) ? p : null;
    }

    private static void Validate(ImagePatient p, string where)
    {
        if (p.PatientId.Length is 0 or > 64) throw new InvalidDataException($"{where}: patient ID must be 1 to 64 characters");
        if (p.PatientName.Length == 0) throw new InvalidDataException($"{where}: patient name is required (DICOM form FAMILY^GIVEN)");
        if (p.BirthDate.Length > 0 && !IsDate(p.BirthDate)) throw new InvalidDataException($"{where}: birth date must be YYYYMMDD");
        if (p.StudyDate.Length > 0 && !IsDate(p.StudyDate)) throw new InvalidDataException($"{where}: study date must be YYYYMMDD");
        if (p.Sex is not ("" or "M" or "F" or "O")) throw new InvalidDataException($"{where}: sex must be M, F or O");
        if (p.Modality.Length is 0 or > 16 || !p.Modality.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '_'))
            throw new InvalidDataException($"{where}: modality must be a DICOM code such as IO, PX, DX, XC or OT");
    }

    private static bool IsDate(string s) => DateOnly.TryParseExact(s, "yyyyMMdd", out _);

    /// <summary>CSV fields with double-quote quoting.</summary>
    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return fields;
    }
}
