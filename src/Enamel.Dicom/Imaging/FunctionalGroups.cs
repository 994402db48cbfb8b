namespace Enamel.Dicom.Imaging;

/// <summary>Finds a functional group macro for a frame (PS3.3 C.7.6.16): Per-Frame item first, then Shared.</summary>
internal static class FunctionalGroups
{
    public static DicomDataset? Find(DicomDataset ds, int frame, DicomTag macroSequence)
    {
        if (ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence) is { } perFrame && frame < perFrame.Items.Count
            && perFrame.Items[frame].GetSequence(macroSequence) is { Items.Count: > 0 } a)
            return a.Items[0];
        if (ds.GetSequence(DicomTags.SharedFunctionalGroupsSequence) is { Items.Count: > 0 } shared
            && shared.Items[0].GetSequence(macroSequence) is { Items.Count: > 0 } b)
            return b.Items[0];
        return null;
    }
}
