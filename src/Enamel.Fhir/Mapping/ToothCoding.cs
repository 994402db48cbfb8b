using Enamel.Core.Treatment;
using Hl7.Fhir.Model;

namespace Enamel.Fhir.Mapping;

/// <summary>
/// A tooth as a FHIR body site: one CodeableConcept carrying the FDI number (<see cref="FhirSystems.Fdi"/>) and the
/// SNOMED CT "Structure of … tooth" body-structure concept; surfaces ride on it as <see cref="FhirSystems.ToothSurfaceExtension"/>
/// extensions (FDI-surface codes; P, palatal, which that system lacks, in <see cref="FhirSystems.EnamelSurface"/>).
/// The SNOMED codes are the ISO 3950 → SNOMED CT map published by eHealth Belgium (ConceptMap BeCMISOToothSnomedCT,
/// version 2.1.2, equivalence "equivalent" for all 52 teeth); docs/fhir.md lists them.
/// </summary>
public static class ToothCoding
{
    /// <summary>FDI number → (SNOMED CT code, the concept's name without its semantic tag).</summary>
    public static IReadOnlyDictionary<string, (string Code, string Display)> Snomed { get; } = new Dictionary<string, (string, string)>
    {
        ["11"] = ("422653006", "Structure of permanent maxillary right central incisor tooth"),
        ["12"] = ("424877001", "Structure of permanent maxillary right lateral incisor tooth"),
        ["13"] = ("860767006", "Structure of permanent maxillary right canine tooth"),
        ["14"] = ("57826002", "Structure of permanent maxillary right first premolar tooth"),
        ["15"] = ("36492000", "Structure of permanent maxillary right second premolar tooth"),
        ["16"] = ("865995000", "Structure of permanent maxillary right first molar tooth"),
        ["17"] = ("863902006", "Structure of permanent maxillary right second molar tooth"),
        ["18"] = ("68085002", "Structure of permanent maxillary right third molar tooth"),
        ["21"] = ("424399000", "Structure of permanent maxillary left central incisor tooth"),
        ["22"] = ("423185002", "Structure of permanent maxillary left lateral incisor tooth"),
        ["23"] = ("860780009", "Structure of permanent maxillary left canine tooth"),
        ["24"] = ("61897005", "Structure of permanent maxillary left first premolar tooth"),
        ["25"] = ("23226009", "Structure of permanent maxillary left second premolar tooth"),
        ["26"] = ("865988009", "Structure of permanent maxillary left first molar tooth"),
        ["27"] = ("863901004", "Structure of permanent maxillary left second molar tooth"),
        ["28"] = ("87704003", "Structure of permanent maxillary left third molar tooth"),
        ["31"] = ("425106001", "Structure of permanent mandibular left central incisor tooth"),
        ["32"] = ("423331005", "Structure of permanent mandibular left lateral incisor tooth"),
        ["33"] = ("860782001", "Structure of permanent mandibular left canine tooth"),
        ["34"] = ("2400006", "Structure of permanent mandibular left first premolar tooth"),
        ["35"] = ("24573005", "Structure of permanent mandibular left second premolar tooth"),
        ["36"] = ("866006002", "Structure of permanent mandibular left first molar tooth"),
        ["37"] = ("863898000", "Structure of permanent mandibular left second molar tooth"),
        ["38"] = ("74344005", "Structure of permanent mandibular left third molar tooth"),
        ["41"] = ("424575004", "Structure of permanent mandibular right central incisor tooth"),
        ["42"] = ("423937004", "Structure of permanent mandibular right lateral incisor tooth"),
        ["43"] = ("860785004", "Structure of permanent mandibular right canine tooth"),
        ["44"] = ("80140008", "Structure of permanent mandibular right first premolar tooth"),
        ["45"] = ("8873007", "Structure of permanent mandibular right second premolar tooth"),
        ["46"] = ("866005003", "Structure of permanent mandibular right first molar tooth"),
        ["47"] = ("863899008", "Structure of permanent mandibular right second molar tooth"),
        ["48"] = ("38994002", "Structure of permanent mandibular right third molar tooth"),
        ["51"] = ("88824007", "Structure of deciduous maxillary right central incisor tooth"),
        ["52"] = ("65624003", "Structure of deciduous maxillary right lateral incisor tooth"),
        ["53"] = ("30618001", "Structure of deciduous maxillary right canine tooth"),
        ["54"] = ("17505006", "Structure of deciduous maxillary right first molar tooth"),
        ["55"] = ("27855007", "Structure of deciduous maxillary right second molar tooth"),
        ["61"] = ("51678005", "Structure of deciduous maxillary left central incisor tooth"),
        ["62"] = ("43622005", "Structure of deciduous maxillary left lateral incisor tooth"),
        ["63"] = ("73937000", "Structure of deciduous maxillary left canine tooth"),
        ["64"] = ("45234009", "Structure of deciduous maxillary left first molar tooth"),
        ["65"] = ("51943008", "Structure of deciduous maxillary left second molar tooth"),
        ["71"] = ("89552004", "Structure of deciduous mandibular left central incisor tooth"),
        ["72"] = ("14770005", "Structure of deciduous mandibular left lateral incisor tooth"),
        ["73"] = ("43281008", "Structure of deciduous mandibular left canine tooth"),
        ["74"] = ("38896004", "Structure of deciduous mandibular left first molar tooth"),
        ["75"] = ("49330006", "Structure of deciduous mandibular left second molar tooth"),
        ["81"] = ("67834006", "Structure of deciduous mandibular right central incisor tooth"),
        ["82"] = ("22445006", "Structure of deciduous mandibular right lateral incisor tooth"),
        ["83"] = ("6062009", "Structure of deciduous mandibular right canine tooth"),
        ["84"] = ("58646007", "Structure of deciduous mandibular right first molar tooth"),
        ["85"] = ("61868007", "Structure of deciduous mandibular right second molar tooth"),
    };

    private static readonly Dictionary<string, string> SnomedToFdi = Snomed.ToDictionary(p => p.Value.Code, p => p.Key);

    private static readonly Dictionary<char, string> SurfaceNames = new()
    {
        ['M'] = "Mesial", ['O'] = "Occlusal", ['D'] = "Distal", ['B'] = "Buccal", ['V'] = "Ventral", ['L'] = "Lingual", ['P'] = "Palatal", ['I'] = "Incisal",
    };

    /// <summary>The tooth (and its surfaces, normalised) as a body site: FDI coding first, then SNOMED CT.</summary>
    public static CodeableConcept ToBodySite(string fdi, string surfaces = "")
    {
        if (!Teeth.IsTooth(fdi)) throw new ArgumentException($"'{fdi}' is not an FDI tooth number", nameof(fdi));
        var concept = new CodeableConcept { Coding = [new Hl7.Fhir.Model.Coding(FhirSystems.Fdi, fdi, $"Tooth {fdi}")], Text = $"tooth {fdi}" };
        if (Snomed.TryGetValue(fdi, out var sct)) concept.Coding.Add(new Hl7.Fhir.Model.Coding(FhirSystems.Snomed, sct.Code, sct.Display));
        var normal = Teeth.NormalizeSurfaces(surfaces) ?? throw new ArgumentException($"'{surfaces}' are not surfaces", nameof(surfaces));
        foreach (var s in normal)
            concept.Extension.Add(new Extension(FhirSystems.ToothSurfaceExtension,
                new Hl7.Fhir.Model.Coding(s == 'P' ? FhirSystems.EnamelSurface : FhirSystems.FdiSurface, s.ToString(), SurfaceNames[s])));
        if (normal.Length > 0) concept.Text += " " + normal;
        return concept;
    }

    /// <summary>
    /// The FDI number and surfaces a body site names: from its FDI coding, else its SNOMED CT tooth coding; null when it
    /// names no tooth (a body part in words). Throws <see cref="FhirInputException"/> when it names one wrongly.
    /// </summary>
    public static (string Tooth, string Surfaces)? FromBodySite(CodeableConcept concept, string path)
    {
        string? tooth = null;
        foreach (var c in concept.Coding)
        {
            if (c.System == FhirSystems.Fdi)
            {
                if (!Teeth.IsTooth(c.Code ?? "")) throw new FhirInputException(path + ".coding.code", $"'{Clip(c.Code)}' is not an FDI tooth number (11–48, deciduous 51–85)");
                if (tooth is not null && tooth != c.Code) throw new FhirInputException(path + ".coding", "the codings name different teeth");
                tooth = c.Code;
            }
            else if (c.System == FhirSystems.Snomed && c.Code is { } code && SnomedToFdi.TryGetValue(code, out var fdi))
            {
                if (tooth is not null && tooth != fdi) throw new FhirInputException(path + ".coding", "the codings name different teeth");
                tooth = fdi;
            }
        }
        var letters = "";
        foreach (var ext in concept.Extension.Where(e => e.Url == FhirSystems.ToothSurfaceExtension))
        {
            if (ext.Value is not Hl7.Fhir.Model.Coding { Code: { Length: 1 } s } || Teeth.NormalizeSurfaces(s) is not { Length: 1 })
                throw new FhirInputException(path + ".extension", "a tooth-surface extension holds a Coding of one surface letter M O D B V L P I");
            letters += s;
        }
        if (tooth is null)
            return letters.Length > 0 ? throw new FhirInputException(path, "surfaces need a tooth (an FDI or SNOMED CT tooth coding)") : null;
        return (tooth, Teeth.NormalizeSurfaces(letters) ?? "");
    }

    private static string Clip(string? s) => s is null ? "" : s.Length <= 16 ? s : s[..16] + "…";
}
