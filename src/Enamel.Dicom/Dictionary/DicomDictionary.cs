using System.Collections.Frozen;

namespace Enamel.Dicom;

/// <summary>One row of the PS3.6 data dictionary. <see cref="Mask"/> is not all-ones for repeating groups (50xx, 60xx …).</summary>
public sealed record DicomDictionaryEntry(DicomTag Tag, uint Mask, DicomVR[] ValueRepresentations, string ValueMultiplicity,
    string Keyword, string Name, bool Retired)
{
    /// <summary>The VR an implicit-VR reader assumes (the first of "US or SS" etc.).</summary>
    public DicomVR DefaultVR => ValueRepresentations[0];
}

/// <summary>The compiled-in data dictionary (generated from the standard's tables by tools/DictionaryGen).</summary>
public static partial class DicomDictionary
{
    private static readonly DicomDictionaryEntry[] Entries = CreateEntries();
    private static readonly FrozenDictionary<uint, DicomDictionaryEntry> ByTag =
        Entries.Where(e => e.Mask == 0xFFFFFFFF).ToFrozenDictionary(e => e.Tag.Value);
    private static readonly DicomDictionaryEntry[] Masked = Entries.Where(e => e.Mask != 0xFFFFFFFF).ToArray();
    private static readonly FrozenDictionary<string, DicomDictionaryEntry> ByKeyword = Entries
        .Where(e => e.Keyword.Length > 0).GroupBy(e => e.Keyword, StringComparer.Ordinal)
        .ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    private static readonly DicomDictionaryEntry GroupLength =
        new(new DicomTag(0), 0x0000FFFF, [DicomVR.UL], "1", "GenericGroupLength", "Group Length", true);
    private static readonly DicomDictionaryEntry PrivateCreator =
        new(new DicomTag(0x00090010), 0x000100F0, [DicomVR.LO], "1", "PrivateCreator", "Private Creator", false);

    /// <summary>All entries, in the order of the standard's table.</summary>
    public static IReadOnlyList<DicomDictionaryEntry> All => Entries;

    /// <summary>The entry for a tag: exact match, then repeating groups, then group length and private creator; null if unknown.</summary>
    public static DicomDictionaryEntry? Find(DicomTag tag)
    {
        if (ByTag.TryGetValue(tag.Value, out var e)) return e;
        if (tag.IsPrivate)
            return tag.IsPrivateCreator ? PrivateCreator : tag.Element == 0 ? GroupLength : null;
        foreach (var m in Masked)
            if ((tag.Value & m.Mask) == m.Tag.Value) return m;
        return tag.Element == 0 ? GroupLength : null;
    }

    public static DicomDictionaryEntry? FindByKeyword(string keyword) =>
        ByKeyword.TryGetValue(keyword, out var e) ? e : null;

    /// <summary>The VR to assume when the encoding does not say (implicit VR): UN for unknown tags.</summary>
    public static DicomVR DefaultVR(DicomTag tag) => Find(tag)?.DefaultVR ?? DicomVR.UN;

    public static string KeywordOf(DicomTag tag) => Find(tag)?.Keyword ?? "";
}
