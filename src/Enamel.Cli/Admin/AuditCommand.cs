using System.CommandLine;
using System.Text.Json;
using Enamel.Core.Audit;
using Enamel.Fhir;

namespace Enamel.Cli.Admin;

/// <summary>`enamel audit verify` (exit 0 intact, 3 tampered, with the entry number) and `enamel audit export`.</summary>
internal static class AuditCommand
{
    public static Command Create() => new("audit", "Check and export the audit trail") { Verify(), Export() };

    private static Command Verify()
    {
        var data = AdminContext.DataOption();
        var cmd = new Command("verify", "Verify the hash chain and signed checkpoints; exit 3 and the entry number if tampered with") { data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var result = await new AuditVerifier(ctx.Get<AuditCheckpointSigner>()).VerifyAsync(ctx.Get<IAuditLog>(), ct);
            if (!result.Intact)
            {
                Console.WriteLine($"TAMPERED at entry {result.Position}: {result.Message}");
                return ExitCodes.Invalid;
            }
            Console.WriteLine($"intact: {result.Message}" + (result.UnsignedEntries > 0 ? $"; {result.UnsignedEntries} after the last checkpoint" : ""));
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command Export()
    {
        var format = new Option<string>("--format") { Description = "fhir (Bundle of R4 AuditEvent) or atna (one DICOM PS3.15 AuditMessage per line)", DefaultValueFactory = _ => "fhir" };
        var from = new Option<long>("--from") { Description = "first entry number", DefaultValueFactory = _ => 1 };
        var data = AdminContext.DataOption();
        var cmd = new Command("export", "Write the audit trail to stdout") { format, from, data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var kind = parse.GetValue(format);
            if (kind is not ("fhir" or "atna"))
            {
                Console.Error.WriteLine($"E: --format must be fhir or atna, not '{kind}'");
                return ExitCodes.Usage;
            }
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var records = await ctx.Get<IAuditLog>().ReadAsync(parse.GetValue(from), ct).ToListAsync(ct);
            var site = Environment.MachineName;
            if (kind == "atna")
            {
                foreach (var r in records) Console.WriteLine(AtnaAuditMessageWriter.ToXml(r, site));
                return ExitCodes.Success;
            }
            await using var stdout = Console.OpenStandardOutput();
            await using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
                FhirAuditEventWriter.WriteBundle(w, records, site);
            Console.WriteLine();
            return ExitCodes.Success;
        });
        return cmd;
    }
}
