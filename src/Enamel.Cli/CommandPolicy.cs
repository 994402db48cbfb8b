using System.CommandLine;
using Enamel.Core.Access;

namespace Enamel.Cli;

/// <summary>
/// The CLI's side of the one policy decision point: the record operation each command performs on the data folder.
/// Commands that open the data folder are decided by <see cref="AccessPolicy"/> through
/// <see cref="Admin.AdminContext.OpenAsync"/>; the rest work on files or on other DICOM nodes and never open the archive.
/// A command missing from this table is refused at run time and fails the CLI policy test.
/// </summary>
internal static class CommandPolicy
{
    private static Operation Op(RecordCategory c, RecordAction a) => new(c, a);

    /// <summary>Command path ("users add") → the operation it performs, or null for a command that does not touch the archive.</summary>
    public static IReadOnlyDictionary<string, Operation?> Operations { get; } = new Dictionary<string, Operation?>(StringComparer.Ordinal)
    {
        ["import"] = Op(RecordCategory.Imaging, RecordAction.Create),
        // Decided for the destination clinic here, and again for the patient where they are now.
        ["patients move"] = Op(RecordCategory.Demographics, RecordAction.Amend),
        // Each verb decides again for the record it touches (the new patient's clinic, the patient shown, both merged records).
        ["patients add"] = Op(RecordCategory.Demographics, RecordAction.Create),
        ["patients show"] = Op(RecordCategory.Demographics, RecordAction.Read),
        ["patients search"] = Op(RecordCategory.Demographics, RecordAction.Read),
        ["patients merge"] = Op(RecordCategory.Demographics, RecordAction.Amend),
        // Imaging is the only kind with recorded versions yet; decided again for the item's patient, as Read on its category.
        ["records history"] = Op(RecordCategory.Imaging, RecordAction.Read),
        // Reaching the group's patients; each verb then decides the entry's category for its patient (as the JSON API does).
        ["records entries list"] = Op(RecordCategory.Demographics, RecordAction.Read),
        ["records entries show"] = Op(RecordCategory.Demographics, RecordAction.Read),
        // Creates the data folder (the only command besides serve that may), then is decided in it like any other.
        ["init"] = Op(RecordCategory.Settings, RecordAction.Create),
        ["users add"] = Op(RecordCategory.Settings, RecordAction.Create),
        ["users list"] = Op(RecordCategory.Settings, RecordAction.Read),
        ["users disable"] = Op(RecordCategory.Settings, RecordAction.Amend),
        ["users reset-mfa"] = Op(RecordCategory.Settings, RecordAction.Amend),
        ["roles list"] = Op(RecordCategory.Settings, RecordAction.Read),
        ["roles show"] = Op(RecordCategory.Settings, RecordAction.Read),
        ["roles add"] = Op(RecordCategory.Settings, RecordAction.Create),
        ["tokens create"] = Op(RecordCategory.Settings, RecordAction.Create),
        ["tokens list"] = Op(RecordCategory.Settings, RecordAction.Read),
        ["tokens revoke"] = Op(RecordCategory.Settings, RecordAction.Amend),
        ["audit verify"] = Op(RecordCategory.Audit, RecordAction.Read),
        ["audit export"] = Op(RecordCategory.Audit, RecordAction.Export),
        ["keys rotate"] = Op(RecordCategory.Settings, RecordAction.Amend),
        // Reads every blob to check its structure; prints UIDs and defects only, never patient data.
        ["verify"] = Op(RecordCategory.Settings, RecordAction.Read),
        // The server decides every request itself (HTTP gate, DIMSE per AE).
        ["serve"] = null,
        // Files on disk and other DICOM nodes; the archive is not opened.
        ["dicom dump"] = null, ["dicom json"] = null, ["dicom render"] = null, ["dicom transcode"] = null, ["dicom validate"] = null,
        ["dicom echo"] = null, ["dicom send"] = null, ["dicom find"] = null, ["dicom move"] = null, ["dicom get"] = null, ["dicom scp"] = null,
    };

    /// <summary>"users add" for `enamel users add …`.</summary>
    public static string PathOf(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        return string.Join(' ', names);
    }
}
