namespace Enamel.Core.Access;

/// <summary>The closed set of actions on a record category.</summary>
public enum RecordAction
{
    Read,
    Create,
    /// <summary>Correct or add to an existing record (the original is kept; amendments are versions).</summary>
    Amend,
    /// <summary>Take a copy out of the vault (download, print, media).</summary>
    Export,
    /// <summary>Give another party access (a share with a lab, specialist or new clinic).</summary>
    Share,
    /// <summary>Destroy at the end of retention (key destruction).</summary>
    Dispose,
}
