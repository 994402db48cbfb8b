namespace Enamel.Core.Patients;

/// <summary>DICOM PN values (PS3.5 6.2.1): up to three component groups separated by '=', five components by '^'.</summary>
public static class PersonNames
{
    public static PatientName Parse(string pn)
    {
        var groups = (pn ?? "").Split('=');
        return new PatientName(Group(groups, 0), Group(groups, 1), Group(groups, 2));
    }

    private static NameGroup Group(string[] groups, int i)
    {
        if (i >= groups.Length) return NameGroup.Empty;
        var c = groups[i].Split('^');
        string At(int k) => k < c.Length ? c[k].Trim() : "";
        return new NameGroup(At(0), At(1), At(2), At(3), At(4));
    }

    public static string Format(PatientName name)
    {
        var groups = new[] { FormatGroup(name.Alphabetic), FormatGroup(name.Ideographic), FormatGroup(name.Phonetic) };
        int last = Array.FindLastIndex(groups, g => g.Length > 0);
        return last < 0 ? "" : string.Join('=', groups.Take(last + 1));
    }

    private static string FormatGroup(NameGroup g)
    {
        var c = g.Components.ToArray();
        int last = Array.FindLastIndex(c, s => s.Length > 0);
        return last < 0 ? "" : string.Join('^', c.Take(last + 1));
    }

    /// <summary>The characters PN components may not hold (the delimiters and control characters).</summary>
    public static bool IsValidComponent(string s) => s.Length <= 64 && !s.Any(ch => ch is '^' or '=' or '\\' || char.IsControl(ch));
}
