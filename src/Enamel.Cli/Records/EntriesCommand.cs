using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Enamel.Cli.Admin;
using Enamel.Cli.Patients;
using Enamel.Core.Access;
using Enamel.Core.Records;

namespace Enamel.Cli.Records;

/// <summary>
/// `enamel records entries list PATIENT [--kind …]` and `enamel records entries show KIND ID [--version n] [--history]`:
/// the clinical record's entries through the same <see cref="RecordEntries"/> verbs the JSON API calls (each decided on
/// the entry's category and the patient's reach, and audited).
/// </summary>
internal static class EntriesCommand
{
    private static readonly JsonSerializerOptions Indented = new(EntryJson.Options) { WriteIndented = true };

    private static string Kinds => string.Join(", ", RecordKind.Entries.Select(k => k.Name));

    public static Command Create() => new("entries", "The clinical record's entries (conditions, procedures, notes, lab cases …)") { List(), Show() };

    private static Command List()
    {
        var patient = new Argument<long>("PATIENT") { Description = "the patient's key (see enamel patients search)" };
        var kind = new Option<string?>("--kind") { Description = $"only these kinds, comma-separated: {Kinds} (default: every category you may read)" };
        var cmd = new Command("list", "List a patient's entries, newest first (Read on each kind's category)") { patient, kind, AdminContext.DataOption(), AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var kinds = new List<RecordKind>();
            foreach (var name in (parse.GetValue(kind) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!RecordKind.TryParse(name, out var k) || !k.IsEntry)
                {
                    Console.Error.WriteLine($"E: --kind: '{name}' is not a kind of entry ({Kinds})");
                    return ExitCodes.Usage;
                }
                kinds.Add(k);
            }
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var verbs = ctx.Get<RecordEntries>();
            IReadOnlyList<RecordEntry> entries;
            if (kinds.Count == 0)
            {
                var everything = await verbs.EverythingAsync(ctx.Actor, parse.GetValue(patient), Purpose.Treatment, ct);
                if (!everything.Done) return PatientsCommand.Fail(everything.Outcome, everything.Message);
                if (everything.Message.Length > 0) Console.Error.WriteLine($"I: {everything.Message}");
                entries = everything.Value!;
            }
            else
            {
                var found = await verbs.FindAsync(ctx.Actor, new EntryQuery(kinds, PatientReach.None) { PatientKey = parse.GetValue(patient), Limit = RecordEntries.MaxResults },
                    Purpose.Treatment, ct);
                if (!found.Done) return PatientsCommand.Fail(found.Outcome, found.Message);
                entries = found.Value.Entries;
            }
            Console.Out.WriteLine("kind\tid\tversion\tstatus\tstate\tdate\trecorded\tauthor");
            foreach (var e in entries) Console.Out.WriteLine(Line(e));
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command Show()
    {
        var kind = new Argument<string>("KIND") { Description = $"the kind of entry: {Kinds}" };
        var id = new Argument<string>("ID") { Description = "the entry's id (see enamel records entries list)" };
        var version = new Option<int?>("--version") { Description = "an earlier version (default: the latest)" };
        var history = new Option<bool>("--history") { Description = "every version, oldest first" };
        var cmd = new Command("show", "Show one entry with what it says (Read on its category)") { kind, id, version, history, AdminContext.DataOption(), AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            if (!RecordKind.TryParse(parse.GetValue(kind), out var k) || !k.IsEntry)
            {
                Console.Error.WriteLine($"E: KIND must be one of {Kinds}");
                return ExitCodes.Usage;
            }
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var verbs = ctx.Get<RecordEntries>();
            if (parse.GetValue(history))
            {
                var all = await verbs.HistoryAsync(ctx.Actor, k, parse.GetValue(id)!, Purpose.Treatment, null, ct);
                if (!all.Done) return PatientsCommand.Fail(all.Outcome, all.Message);
                foreach (var e in all.Value!) Print(e);
                return ExitCodes.Success;
            }
            var answer = await verbs.ReadAsync(ctx.Actor, k, parse.GetValue(id)!, parse.GetValue(version), Purpose.Treatment, null, ct);
            if (!answer.Done) return PatientsCommand.Fail(answer.Outcome, answer.Message);
            Print(answer.Value!);
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static string Line(RecordEntry e) => string.Join('\t', e.Kind.Name, e.Id, e.Version.ToString(CultureInfo.InvariantCulture), VersionStatusNames.Of(e.Status),
        e.Body.State, e.Body.Date, e.Recorded.ToString("O", CultureInfo.InvariantCulture), e.AuthorId);

    private static void Print(RecordEntry e)
    {
        Console.Out.WriteLine($"{e.Kind.Name} {e.Id} version {e.Version} ({VersionStatusNames.Of(e.Status)})");
        Console.Out.WriteLine($"patient\t{e.PatientKey.ToString(CultureInfo.InvariantCulture)}");
        Console.Out.WriteLine($"category\t{e.Body.Category}");
        Console.Out.WriteLine($"recorded\t{e.Recorded.ToString("O", CultureInfo.InvariantCulture)} by {e.AuthorId}: {OneLine(e.Reason)}");
        if (e.Withdrawn is { } w) Console.Out.WriteLine($"entered-in-error\t{w.Time.ToString("O", CultureInfo.InvariantCulture)} by {w.AuthorId}: {OneLine(w.Reason)}");
        Console.Out.WriteLine(JsonSerializer.Serialize(e.Body, Indented));
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Replace('\t', ' ');
}
