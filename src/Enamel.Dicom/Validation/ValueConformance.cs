using System.Globalization;
using System.Text.RegularExpressions;

namespace Enamel.Dicom.Validation;

/// <summary>
/// Checks how each value is encoded against its VR (PS3.5 6.2: character repertoire, format, length) and its
/// value multiplicity against the data dictionary (PS3.6). Walks sequence items too.
/// </summary>
internal static partial class ValueConformance
{
    public static void Check(DicomDataset dataset, string path, List<ValidationFinding> findings)
    {
        foreach (var element in dataset)
        {
            var where = path + element.Tag;
            switch (element)
            {
                case DicomSequence seq:
                    for (int i = 0; i < seq.Items.Count; i++)
                        Check(seq.Items[i], $"{where}[{i}]>", findings);
                    break;
                case DicomValueElement v:
                    CheckValue(dataset, v, where, findings);
                    break;
            }
        }
    }

    private static void CheckValue(DicomDataset dataset, DicomValueElement v, string where, List<ValidationFinding> findings)
    {
        if (v.Tag.IsGroupLength || v.Length == 0) return;
        var entry = v.Tag.IsPrivate ? null : DicomDictionary.Find(v.Tag);
        string name = Describe(v.Tag, entry);
        if (entry is not null && v.VR != DicomVR.UN && !entry.ValueRepresentations.Contains(v.VR))
            findings.Add(new(ValidationSeverity.Warning, where,
                $"{name} is encoded as VR {v.VR.Code()} where the dictionary says {string.Join(" or ", entry.ValueRepresentations.Select(r => r.Code()))}"));

        int unit = v.VR.UnitSize();
        if (unit > 0 && v.Length % unit != 0)
        {
            findings.Add(new(ValidationSeverity.Error, where, $"{name} has length {v.Length}, not a multiple of {unit} as VR {v.VR.Code()} requires"));
            return;
        }

        int count;
        if (v.VR.IsString())
        {
            string[] values;
            try { values = dataset.GetStrings(v.Tag); }
            catch (DicomTextException ex)
            {
                findings.Add(new(ValidationSeverity.Error, where, $"{name} cannot be decoded in the declared character set: {ex.Message}"));
                return;
            }
            foreach (var value in values)
                if (CheckString(v.VR, value) is { } problem)
                    findings.Add(new(ValidationSeverity.Error, where, $"{name} value '{Shorten(value)}' does not conform to VR {v.VR.Code()}: {problem}"));
            count = values.Length;
        }
        else if (v.VR is DicomVR.US or DicomVR.SS or DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.FD or DicomVR.SV or DicomVR.UV)
            count = (int)(v.Length / unit);
        else if (v.VR == DicomVR.AT)
            count = (int)(v.Length / 4);
        else
            return; // OB, OW, UN … carry one value of any length

        if (entry is not null && !entry.ValueMultiplicity.Contains(' '))
        {
            var vm = ValueMultiplicity.Parse(entry.ValueMultiplicity);
            if (!vm.Allows(count))
                findings.Add(new(ValidationSeverity.Error, where, $"{name} has VM {count} where {vm.Text} is required"));
        }
    }

    /// <summary>The problem with one value of a string VR, or null when it conforms.</summary>
    internal static string? CheckString(DicomVR vr, string value)
    {
        int max = vr switch
        {
            DicomVR.AE => 16, DicomVR.AS => 4, DicomVR.CS => 16, DicomVR.DA => 8, DicomVR.DS => 16, DicomVR.DT => 26,
            DicomVR.IS => 12, DicomVR.LO => 64, DicomVR.SH => 16, DicomVR.TM => 14, DicomVR.UI => 64,
            DicomVR.ST => 1024, DicomVR.LT => 10240,
            _ => 0,
        };
        var trimmed = vr is DicomVR.AE or DicomVR.CS or DicomVR.DS or DicomVR.IS ? value.Trim(' ') : value.TrimEnd(' ');
        if (vr is DicomVR.UI) trimmed = value.TrimEnd('\0');
        if (max > 0 && trimmed.Length > max) return $"{trimmed.Length} characters, more than the {max} allowed";
        if (trimmed.Length == 0) return null; // an empty value among several is allowed
        return vr switch
        {
            DicomVR.DA => IsDate(trimmed) ? null : "expected YYYYMMDD",
            DicomVR.TM => IsTime(trimmed) ? null : "expected HH[MM[SS[.FFFFFF]]]",
            DicomVR.DT => IsDateTime(trimmed) ? null : "expected YYYY[MM[DD[HH[MM[SS[.FFFFFF]]]]]][&ZZXX]",
            DicomVR.UI => UidProblem(trimmed),
            DicomVR.CS => CodeString().IsMatch(trimmed) ? null : "only A-Z, 0-9, space and underscore are allowed",
            DicomVR.AS => AgeString().IsMatch(trimmed) ? null : "expected nnnD, nnnW, nnnM or nnnY",
            DicomVR.IS => IntegerString().IsMatch(trimmed) && long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                          && n is >= int.MinValue and <= int.MaxValue ? null : "expected an integer in -2^31 .. 2^31-1",
            DicomVR.DS => DecimalString().IsMatch(trimmed) ? null : "expected a decimal number",
            DicomVR.AE => trimmed.Any(c => c < 0x20 || c == '\\' || c > 0x7E) ? "control characters and backslash are not allowed" : null,
            DicomVR.PN => trimmed.Split('=').Any(g => g.Length > 64) ? "a component group is longer than 64 characters" : null,
            _ => null,
        };
    }

    private static bool IsDate(string s) =>
        s.Length == 8 && s.All(char.IsAsciiDigit) &&
        DateTime.TryParseExact(s, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static bool IsTime(string s)
    {
        var m = Time().Match(s);
        if (!m.Success) return false;
        int hh = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        int mm = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        int ss = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return hh < 24 && mm < 60 && ss < 61; // 60 for a leap second
    }

    private static bool IsDateTime(string s)
    {
        var m = DateTimeFormat().Match(s);
        if (!m.Success) return false;
        var date = m.Groups[1].Value;
        if (date.Length >= 6 && !(int.Parse(date[4..6], CultureInfo.InvariantCulture) is >= 1 and <= 12)) return false;
        if (date.Length == 8 && !IsDate(date)) return false;
        var time = m.Groups[2].Value;
        return time.Length == 0 || (date.Length == 8 && IsTime(time));
    }

    private static string? UidProblem(string uid)
    {
        if (!Uid().IsMatch(uid)) return "only digits and dots are allowed, in components separated by single dots";
        if (uid.Split('.').Any(c => c.Length > 1 && c[0] == '0')) return "a component has a leading zero";
        return null;
    }

    private static string Describe(DicomTag tag, DicomDictionaryEntry? entry) =>
        entry is null || entry.Name.Length == 0 ? tag.ToString() : $"{tag} {entry.Name}";

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    [GeneratedRegex(@"^[A-Z0-9 _]+$")] private static partial Regex CodeString();
    [GeneratedRegex(@"^[0-9]{3}[DWMY]$")] private static partial Regex AgeString();
    [GeneratedRegex(@"^[+-]?[0-9]+$")] private static partial Regex IntegerString();
    [GeneratedRegex(@"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")] private static partial Regex DecimalString();
    [GeneratedRegex(@"^([0-9]{2})(?:([0-9]{2})(?:([0-9]{2})(?:\.[0-9]{1,6})?)?)?$")] private static partial Regex Time();
    [GeneratedRegex(@"^([0-9]{4}(?:[0-9]{2}(?:[0-9]{2})?)?)([0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:\.[0-9]{1,6})?)?)?)?(?:[+-][0-9]{4})?$")] private static partial Regex DateTimeFormat();
    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)*$")] private static partial Regex Uid();
}
