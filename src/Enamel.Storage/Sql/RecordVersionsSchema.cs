namespace Enamel.Storage.Sql;

/// <summary>
/// The words of the <c>record_versions</c> table (created by migration <see cref="Migrations.M0003_RecordVersions"/>:
/// every item's versions — author, time, reason, status; never updated but for the status columns, never deleted).
/// </summary>
internal static class RecordVersionsSchema
{
    public const string Current = "current", Superseded = "superseded", EnteredInError = "entered-in-error";

    /// <summary>
    /// "The instance <paramref name="sopUidColumn"/> is not withdrawn": the reads and searches of the archive leave out
    /// instances marked entered-in-error (answered by the small partial index <c>ix_record_versions_withdrawn</c>).
    /// </summary>
    public static string NotWithdrawn(string sopUidColumn) =>
        $"NOT EXISTS (SELECT 1 FROM record_versions rv WHERE rv.kind = 'instance' AND rv.item_id = {sopUidColumn} AND rv.status = '{EnteredInError}')";
}
