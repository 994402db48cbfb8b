using System.Globalization;

namespace Enamel.Dicom.Validation;

/// <summary>A PS3.6 value multiplicity such as "1", "1-3", "1-n", "2-2n" or "3-3n".</summary>
public readonly record struct ValueMultiplicity(int Minimum, int? Maximum, int Step, string Text)
{
    public static ValueMultiplicity Parse(string text)
    {
        var parts = text.Split('-');
        int min = int.Parse(parts[0], CultureInfo.InvariantCulture);
        if (parts.Length == 1) return new(min, min, 1, text);
        var upper = parts[1];
        if (upper == "n") return new(min, null, 1, text);
        if (upper.EndsWith('n')) return new(min, null, int.Parse(upper[..^1], CultureInfo.InvariantCulture), text);
        return new(min, int.Parse(upper, CultureInfo.InvariantCulture), 1, text);
    }

    public bool Allows(int count) =>
        count >= Minimum && (Maximum is not { } max || count <= max) && count % Step == 0;
}
