using System.CommandLine;
using System.Globalization;
using Enamel.Cli.Admin;
using Enamel.Core.Access;
using Enamel.Core.Patients;

namespace Enamel.Cli.Patients;

/// <summary>
/// `enamel patients add|show|search|merge|move`: the desk's patient verbs (Core/Patients) from the command line; each
/// is decided by the policy for the acting account (--as) and audited like the web's.
/// </summary>
internal static class PatientsCommand
{
    public static Command Create() => new("patients", "Patient records: register, find, show, merge, move between the group's clinics")
        { Add(), Show(), Search(), Merge(), Move() };

    private static Command Add()
    {
        var family = new Option<string>("--family") { Description = "family name (alphabetic)", DefaultValueFactory = _ => "" };
        var given = new Option<string>("--given") { Description = "given name(s) (alphabetic)", DefaultValueFactory = _ => "" };
        var ideographic = new Option<string>("--ideographic") { Description = "the ideographic name as family^given, e.g. 陳^大文", DefaultValueFactory = _ => "" };
        var phonetic = new Option<string>("--phonetic") { Description = "the phonetic name as family^given", DefaultValueFactory = _ => "" };
        var birth = new Option<string>("--birth-date") { Description = "YYYYMMDD", DefaultValueFactory = _ => "" };
        var sex = new Option<string>("--sex") { Description = "M, F or O", DefaultValueFactory = _ => "" };
        var chart = new Option<string>("--chart") { Description = "the clinic's chart number", DefaultValueFactory = _ => "" };
        var patientId = new Option<string>("--patient-id") { Description = "Patient ID as modalities send it (default: the chart number)", DefaultValueFactory = _ => "" };
        var issuer = new Option<string>("--issuer") { Description = "Issuer of Patient ID", DefaultValueFactory = _ => "" };
        var hkid = new Option<string>("--hkid") { Description = "Hong Kong identity card number, e.g. A123456(3)", DefaultValueFactory = _ => "" };
        var cnid = new Option<string>("--cn-id") { Description = "mainland resident identity card number", DefaultValueFactory = _ => "" };
        var phone = new Option<string[]>("--phone") { Description = "phone number (repeatable)", AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => [] };
        var email = new Option<string[]>("--email") { Description = "email address (repeatable)", DefaultValueFactory = _ => [] };
        var address = new Option<string>("--address") { Description = "postal address", DefaultValueFactory = _ => "" };
        var language = new Option<string>("--language") { Description = "preferred language: en, zh-Hant, zh-Hans …", DefaultValueFactory = _ => "" };
        var guardian = new Option<string[]>("--guardian") { Description = "user name of a guardian account (repeatable)", DefaultValueFactory = _ => [] };
        var clinic = new Option<string?>("--clinic") { Description = "the clinic the patient belongs to (default: Enamel:Clinic)" };
        var cmd = new Command("add", "Register a patient (Demographics:Create); prints the new patient's key")
            { family, given, ideographic, phonetic, birth, sex, chart, patientId, issuer, hkid, cnid, phone, email, address, language, guardian, clinic,
              AdminContext.DataOption(), AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct, parse.GetValue(clinic));
            if (ctx is null) return ExitCodes.NotAuthorized;
            var ideo = PersonNames.Parse(parse.GetValue(ideographic)!).Alphabetic;
            var phon = PersonNames.Parse(parse.GetValue(phonetic)!).Alphabetic;
            var contacts = parse.GetValue(phone)!.Select(p => new ContactPoint(ContactKind.Phone, p))
                .Concat(parse.GetValue(email)!.Select(e => new ContactPoint(ContactKind.Email, e))).ToList();
            if (parse.GetValue(address) is { Length: > 0 } a) contacts.Add(new ContactPoint(ContactKind.Address, a));
            var ids = new List<PatientIdentifier>();
            void Id(IdentifierType t, string? v, string iss = "") { if (!string.IsNullOrWhiteSpace(v)) ids.Add(new PatientIdentifier(t, iss, v)); }
            Id(IdentifierType.ChartNumber, parse.GetValue(chart));
            Id(IdentifierType.DicomPatientId, parse.GetValue(patientId), parse.GetValue(issuer)!);
            Id(IdentifierType.HongKongId, parse.GetValue(hkid));
            Id(IdentifierType.MainlandResidentId, parse.GetValue(cnid));
            var request = new NewPatient(parse.GetValue(clinic) ?? ctx.Options.Clinic, new Demographics
            {
                Name = new PatientName(new NameGroup(parse.GetValue(family)!, parse.GetValue(given)!), ideo, phon),
                BirthDate = parse.GetValue(birth)!,
                Sex = parse.GetValue(sex)!.ToUpperInvariant(),
                Contacts = contacts,
                PreferredLanguage = parse.GetValue(language)!,
            }, ids) { Guardians = parse.GetValue(guardian)! };
            var answer = await ctx.Get<RegisterPatient>().ExecuteAsync(ctx.Actor, request, Purpose.Operations, "registered from the command line", ct);
            if (!answer.Done) return Fail(answer.Outcome, answer.Message);
            Console.WriteLine(answer.Value!.Key.ToString(CultureInfo.InvariantCulture));
            Console.Error.WriteLine($"I: patient {answer.Value.Key} registered in clinic '{answer.Value.Clinic}'");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command Show()
    {
        var key = new Argument<long>("PATIENT") { Description = "the patient's key (see enamel patients search)" };
        var history = new Option<bool>("--history") { Description = "list every version of the demographic record" };
        var cmd = new Command("show", "Show a patient's record (Demographics:Read)") { key, history, AdminContext.DataOption(), AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var answer = await ctx.Get<FindPatients>().GetAsync(ctx.Actor, parse.GetValue(key), Purpose.Operations, ct);
            if (!answer.Done) return Fail(answer.Outcome, answer.Message);
            Print(answer.Value!);
            if (parse.GetValue(history))
            {
                var versions = await ctx.Get<FindPatients>().HistoryAsync(ctx.Actor, answer.Value!.Key, Purpose.Operations, ct);
                foreach (var v in versions.Value ?? [])
                    Console.WriteLine($"version {v.Number}\t{v.Time:yyyy-MM-dd HH:mm}Z\t{v.AuthorId}\t{v.Demographics.Name.Display()}\t{v.Reason}");
            }
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command Search()
    {
        var text = new Argument<string>("TEXT") { Description = "a name prefix, chart number or other identifier, or phone number" };
        var cmd = new Command("search", "Find patients within your reach (Demographics:Read)") { text, AdminContext.DataOption(), AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var answer = await ctx.Get<FindPatients>().SearchAsync(ctx.Actor, parse.GetValue(text)!, Purpose.Operations, FindPatients.MaxResults, ct);
            if (!answer.Done) return Fail(answer.Outcome, answer.Message);
            foreach (var p in answer.Value!)
                Console.WriteLine($"{p.Key}\t{p.Clinic}\t{p.ChartNumber?.Value ?? p.DicomId?.Value ?? ""}\t{p.Demographics.Name.Display()}\t{p.Demographics.BirthDate}");
            Console.Error.WriteLine($"I: {answer.Value!.Count} patient(s)");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command Merge()
    {
        var survivor = new Argument<long>("SURVIVOR") { Description = "the record that stays" };
        var merged = new Argument<long>("MERGED") { Description = "the duplicate record, merged into SURVIVOR (kept, read-only; its identifiers become aliases)" };
        var reason = new Option<string>("--reason") { Description = "why the records are one person", Required = true };
        var cmd = new Command("merge", "Merge two records of one person (Demographics:Amend on both)")
            { survivor, merged, reason, AdminContext.DataOption(), AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var answer = await ctx.Get<MergePatients>().ExecuteAsync(ctx.Actor, parse.GetValue(survivor), parse.GetValue(merged), parse.GetValue(reason)!,
                Purpose.Operations, ct);
            if (!answer.Done) return Fail(answer.Outcome, answer.Message);
            Console.Error.WriteLine($"I: patient {parse.GetValue(merged)} merged into {answer.Value!.Key}");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command Move()
    {
        var patientId = new Argument<string>("PATIENT_ID") { Description = "the patient's Patient ID" };
        var issuer = new Option<string>("--issuer") { Description = "Issuer of Patient ID", DefaultValueFactory = _ => "" };
        var to = new Option<string>("--to") { Description = "the clinic the patient moves to", Required = true };
        var cmd = new Command("move", "Move a patient, with every study, to another clinic of the group (Demographics:Amend in both clinics)")
            { patientId, issuer, to, AdminContext.DataOption(), AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var clinic = parse.GetValue(to)!.Trim();
            if (!ClinicCode.IsValid(clinic))
            {
                Console.Error.WriteLine($"E: --to takes a clinic code ({ClinicCode.Rule})");
                return ExitCodes.Usage;
            }
            // Decided first for the destination: the actor must be able to amend demographics there.
            var ctx = await AdminContext.OpenAsync(parse, ct, clinic);
            if (ctx is null) return ExitCodes.NotAuthorized;
            string id = parse.GetValue(patientId)!, iss = parse.GetValue(issuer)!;
            var patient = await ctx.Get<IPatientStore>().FindByDicomIdAsync(id, iss, ct);
            if (patient is null)
            {
                Console.Error.WriteLine($"E: no patient with Patient ID '{id}'{(iss.Length > 0 ? $" (issuer '{iss}')" : "")} in the archive");
                return ExitCodes.Invalid;
            }
            var from = patient.Clinic;
            var answer = await ctx.Get<MovePatient>().ExecuteAsync(ctx.Actor, patient.Key, clinic, Purpose.Operations, ct);
            if (!answer.Done) return Fail(answer.Outcome, answer.Message);
            Console.Error.WriteLine($"I: patient moved from clinic '{from}' to '{clinic}'");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static void Print(Patient p)
    {
        var d = p.Demographics;
        Console.WriteLine($"patient\t{p.Key}");
        Console.WriteLine($"clinic\t{p.Clinic}");
        Console.WriteLine($"status\t{p.Status.ToString().ToLowerInvariant()}{(p.MergedInto is { } m ? $" into {m}" : "")}");
        Console.WriteLine($"name\t{d.Name.Display()}\t{d.Name.ToDicom()}");
        Console.WriteLine($"birth date\t{d.BirthDate}");
        Console.WriteLine($"sex\t{d.Sex}");
        foreach (var id in p.Identifiers)
            Console.WriteLine($"identifier\t{Identifiers.Name(id.Type)}\t{id.Value}\t{id.Issuer}{(id.Alias ? "\talias" : "")}");
        foreach (var c in d.Contacts) Console.WriteLine($"{c.Kind.ToString().ToLowerInvariant()}\t{c.Value}\t{c.Use}");
        if (d.PreferredLanguage.Length > 0) Console.WriteLine($"language\t{d.PreferredLanguage}");
        foreach (var g in p.Guardians) Console.WriteLine($"guardian\t{g}");
        Console.WriteLine($"version\t{p.Version}");
    }

    /// <summary>One mapping of a verb's outcome to stderr and an exit code.</summary>
    internal static int Fail(PatientOutcome outcome, string message)
    {
        Console.Error.WriteLine($"E: {message}");
        return outcome switch
        {
            PatientOutcome.Denied => ExitCodes.NotAuthorized,
            PatientOutcome.NotFound or PatientOutcome.Invalid or PatientOutcome.Conflict => ExitCodes.Invalid,
            _ => ExitCodes.Invalid,
        };
    }
}
