using System.CommandLine;
using Enamel.Cli.Admin;
using Enamel.Core.Access;
using Enamel.Core.Audit;

namespace Enamel.Cli.Patients;

/// <summary>`enamel patients move`: a patient (with every study) changes clinic within the group.</summary>
internal static class PatientsCommand
{
    private static readonly Operation Amend = new(RecordCategory.Demographics, RecordAction.Amend);

    public static Command Create() => new("patients", "Patient records across the group's clinics") { Move() };

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
            var patient = await ctx.Folder.Index.FindPatientAsync(id, iss, ct);
            if (patient is null)
            {
                Console.Error.WriteLine($"E: no patient with Patient ID '{id}'{(iss.Length > 0 ? $" (issuer '{iss}')" : "")} in the archive");
                return ExitCodes.Invalid;
            }
            if (patient.Clinic == clinic)
            {
                Console.Error.WriteLine($"E: the patient already belongs to clinic '{clinic}'");
                return ExitCodes.Invalid;
            }
            // And for the patient where they are now.
            var decision = await ctx.Policy.DecideAsync(ctx.Actor, Amend, ResourceScope.ForPatient(patient.Key, patient.Clinic, "Demographics clinic"),
                Purpose.Operations, ct);
            if (!decision.Allowed)
            {
                Console.Error.WriteLine($"E: may not move this patient ({Amend}: {decision.Rule})");
                return ExitCodes.NotAuthorized;
            }
            // The move and its audit entry commit together.
            await using (var change = await ctx.Folder.Security.Changes.BeginAsync(ct))
            {
                await change.Studies.MovePatientAsync(patient.Key, clinic, ct);
                await change.AuditAsync(new AuditEvent(DateTimeOffset.UtcNow, ctx.ActorId, decision.Role ?? "", patient.Key,
                    AuditObject.Record(RecordCategory.Demographics, "clinic"), AuditAction.Amend,
                    AuditOutcome.Success, PurposeCodes.Code(Purpose.Operations), ctx.Actor.Source) { Detail = $"clinic {patient.Clinic} -> {clinic}" }, ct);
                await change.CommitAsync(ct);
            }
            Console.Error.WriteLine($"I: patient moved from clinic '{patient.Clinic}' to '{clinic}'");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
