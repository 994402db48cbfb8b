namespace Enamel.Dicom.Validation;

/// <summary>
/// Validates a composite object against its IOD (PS3.3 Annex A): presence and emptiness of Type 1, 2 and the
/// key 1C/2C attributes of each module, enumerated values, then the encoding of every value (VR and VM).
/// </summary>
public static class DicomValidator
{
    public static ValidationReport Validate(DicomFile file)
    {
        var findings = new List<ValidationFinding>();
        var dataset = file.Dataset;
        var sopClass = dataset.GetString(DicomTags.SOPClassUID);
        var iod = StandardIods.ForSopClass(sopClass);
        if (iod is null)
        {
            findings.Add(new(ValidationSeverity.Warning, "",
                string.IsNullOrEmpty(sopClass)
                    ? "SOP Class UID is absent; only the common modules were checked"
                    : $"SOP Class {sopClass} ({DicomUids.NameOf(sopClass)}) is not an IOD we check; only the common modules were checked"));
            iod = StandardIods.CommonModules;
        }

        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var usage in iod.Modules)
        {
            if (usage.Condition is { } needed && !needed(dataset)) continue; // module conditions read CS/UI values only
            CheckAttributes(dataset, usage.Module.Attributes, "", usage.Module.Name, findings, reported);
        }
        CheckMeta(file, findings);
        ValueConformance.Check(dataset, "", findings);
        return new ValidationReport(iod.Name, findings);
    }

    private static void CheckAttributes(DicomDataset dataset, IReadOnlyList<AttributeRequirement> requirements, string path,
        string module, List<ValidationFinding> findings, HashSet<string> reported)
    {
        foreach (var req in requirements)
        {
            var where = path + req.Tag;
            bool required = IsRequired(req, dataset);
            bool present = dataset.TryGet(req.Tag, out var element);
            var label = $"Type {req.TypeText} attribute {req.Tag} {DicomDictionary.Find(req.Tag)?.Name}";
            var because = req.ConditionText is null ? "" : $" (required when {req.ConditionText})";

            if (!present)
            {
                if (required && reported.Add(where + " missing"))
                    findings.Add(new(ValidationSeverity.Error, where, $"{label} is missing{because}", module));
                continue;
            }
            bool empty = IsEmpty(element);
            if (empty && required && req.Type is AttributeType.Type1 or AttributeType.Type1C && reported.Add(where + " empty"))
                findings.Add(new(ValidationSeverity.Error, where, $"{label} is present but empty{because}", module));
            if (!empty && req.EnumeratedValues is { } allowed)
                CheckEnumerated(dataset, req, allowed, where, label, module, findings, reported);
            if (element is DicomSequence seq && req.ItemRequirements is { } itemRequirements)
                for (int i = 0; i < seq.Items.Count; i++)
                    CheckAttributes(seq.Items[i], itemRequirements, $"{where}[{i}]>", module, findings, reported);
        }
    }

    /// <summary>Whether a requirement applies; a condition that cannot read an undecodable value counts as met (so it is reported).</summary>
    private static bool IsRequired(AttributeRequirement req, DicomDataset dataset)
    {
        if (req.Condition is not { } condition) return true;
        try { return condition(dataset); }
        catch (DicomTextException) { return true; }
    }

    private static void CheckEnumerated(DicomDataset dataset, AttributeRequirement req, IReadOnlyList<string> allowed, string where,
        string label, string module, List<ValidationFinding> findings, HashSet<string> reported)
    {
        string[] values;
        try { values = dataset.GetStrings(req.Tag); }
        catch (DicomTextException) { return; } // reported by the value checks
        foreach (var raw in values)
        {
            var value = raw.Trim();
            if (value.Length == 0 || allowed.Contains(value, StringComparer.Ordinal)) continue;
            if (reported.Add($"{where} enum {value}"))
                findings.Add(new(ValidationSeverity.Error, where,
                    $"{label} has value '{value}', which is not one of the enumerated values {string.Join(", ", allowed)}", module));
        }
    }

    private static bool IsEmpty(DicomElement element) => element switch
    {
        DicomSequence s => s.Items.Count == 0,
        DicomValueElement v => v.Length == 0 || (v.VR.IsString() && IsBlank(v)),
        DicomFragmentSequence f => f.Fragments.Count == 0,
        _ => false,
    };

    private static bool IsBlank(DicomValueElement v)
    {
        if (v.Value.IsDeferred) return false;
        foreach (var b in v.Value.GetMemory().Span)
            if (b is not ((byte)' ' or 0)) return false;
        return true;
    }

    /// <summary>PS3.10 7.1: the meta header must name the same SOP Class and Instance as the dataset.</summary>
    private static void CheckMeta(DicomFile file, List<ValidationFinding> findings)
    {
        if (!file.HadPart10Header) return;
        Compare(DicomTags.MediaStorageSOPClassUID, DicomTags.SOPClassUID);
        Compare(DicomTags.MediaStorageSOPInstanceUID, DicomTags.SOPInstanceUID);

        void Compare(DicomTag metaTag, DicomTag datasetTag)
        {
            var inMeta = file.Meta.GetString(metaTag);
            var inDataset = file.Dataset.GetString(datasetTag);
            if (inMeta is null || inDataset is null || inMeta == inDataset) return;
            findings.Add(new(ValidationSeverity.Error, metaTag.ToString(),
                $"{DicomDictionary.Find(metaTag)?.Name} {metaTag} '{inMeta}' differs from {DicomDictionary.Find(datasetTag)?.Name} {datasetTag} '{inDataset}'"));
        }
    }
}
