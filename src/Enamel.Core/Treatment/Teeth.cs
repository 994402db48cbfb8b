using Enamel.Core.Patients;

namespace Enamel.Core.Treatment;

/// <summary>
/// Teeth as ISO 3950 (FDI) numbers: permanent 11–18, 21–28, 31–38, 41–48; deciduous 51–55, 61–65, 71–75, 81–85.
/// Surfaces as letters M O D B/V L/P I (buccal = vestibular, lingual = palatal; stored as written, compared folded).
/// </summary>
public static class Teeth
{
    /// <summary>Every FDI tooth number, permanent then deciduous, quadrant by quadrant (the 52 teeth).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        .. from q in new[] { 1, 2, 3, 4 } from t in Enumerable.Range(1, 8) select $"{q}{t}",
        .. from q in new[] { 5, 6, 7, 8 } from t in Enumerable.Range(1, 5) select $"{q}{t}",
    ];

    private static readonly HashSet<string> Known = [.. All];

    public static bool IsTooth(string fdi) => Known.Contains(fdi);

    public static bool IsDeciduous(string fdi) => IsTooth(fdi) && fdi[0] >= '5';

    /// <summary>The surfaces a restoration can cover: mesial, occlusal, distal, buccal/vestibular, lingual/palatal, incisal.</summary>
    public const string SurfaceLetters = "MODBVLPI";

    /// <summary>Surfaces normalised: upper case, each letter once, in M O D B V L P I order. Null when a letter is not a surface.</summary>
    public static string? NormalizeSurfaces(string surfaces)
    {
        var upper = surfaces.Trim().ToUpperInvariant();
        if (upper.Any(ch => !SurfaceLetters.Contains(ch))) return null;
        return new string([.. SurfaceLetters.Where(upper.Contains)]);
    }

    public static PatientProblem? Check(string field, string tooth, string surfaces)
    {
        if (tooth.Length == 0)
            return surfaces.Length == 0 ? null : PatientProblem.Of("SurfacesWithoutTooth", $"{field}: surfaces need a tooth", field);
        if (!IsTooth(tooth)) return PatientProblem.Of("Tooth", $"{field}: '{(tooth.Length > 8 ? tooth[..8] : tooth)}' is not an FDI tooth number (11–48, deciduous 51–85)", field);
        if (NormalizeSurfaces(surfaces) is null) return PatientProblem.Of("Surfaces", $"{field}: surfaces are letters of M O D B V L P I", field);
        return null;
    }
}
