using System.CommandLine;
using System.Globalization;
using Enamel.Cli.Admin;
using Enamel.Core.Access;
using Enamel.Core.Records;

namespace Enamel.Cli.Records;

/// <summary>
/// `enamel records history KIND ID`: every version of one item (author, time, reason, status), as the JSON API lists it;
/// `enamel records entries …` (<see cref="EntriesCommand"/>): the clinical record's entries.
/// </summary>
internal static class RecordsCommand
{
    public static Command Create() => new("records", "Versions of stored items (nothing is overwritten or deleted) and the clinical record's entries") { History(), EntriesCommand.Create() };

    private static Command History()
    {
        var kind = new Argument<string>("KIND") { Description = $"the kind of item: {string.Join(", ", RecordKind.All)}" };
        var id = new Argument<string>("ID") { Description = "the item's id: a UID for study, series, instance; the patient key for patient" };
        var cmd = new Command("history", "Print every version of an item with author, time, reason and status (Read on the item's category, for its patient)")
            { kind, id, AdminContext.DataOption(), AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            if (!RecordKind.TryParse(parse.GetValue(kind), out var k))
            {
                Console.Error.WriteLine($"E: KIND must be one of {string.Join(", ", RecordKind.All)}");
                return ExitCodes.Usage;
            }
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var result = await ctx.Get<ReadRecordHistory>().ExecuteAsync(ctx.Actor, k, parse.GetValue(id)!, Purpose.Operations, ct);
            if (result.NotFound)
            {
                Console.Error.WriteLine("E: no such record within your reach");
                return ExitCodes.Invalid;
            }
            if (!result.Allowed)
            {
                Console.Error.WriteLine($"E: may not read this record's history ({result.Decision?.Rule})");
                return ExitCodes.NotAuthorized;
            }
            Console.Out.WriteLine("version\tstatus\ttime\tauthor\treason\tchanged");
            foreach (var v in result.Versions)
                Console.Out.WriteLine(string.Join('\t', v.Number.ToString(CultureInfo.InvariantCulture), VersionStatusNames.Of(v.Status), v.Time.ToString("O", CultureInfo.InvariantCulture),
                    v.AuthorId, OneLine(v.Reason), v.Changed is { } c ? $"{c.Time.ToString("O", CultureInfo.InvariantCulture)} by {c.AuthorId}: {OneLine(c.Reason)}" : ""));
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Replace('\t', ' ');
}
