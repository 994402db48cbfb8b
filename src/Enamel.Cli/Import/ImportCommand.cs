using System.CommandLine;
using Enamel.Core.Access;
using Enamel.Core.Imports;
using Enamel.Core.Studies;
using Enamel.Server.Hosting;
using Spectre.Console;

namespace Enamel.Cli.Import;

/// <summary>`enamel import PATH --as USER`: folders, DICOMDIR media and zip files into the data folder, resumable, with a report.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "folder, DICOMDIR, zip file or single file to import" };
        var data = Admin.AdminContext.DataOption();
        var actAs = Admin.AdminContext.AsOption();
        var report = new Option<string?>("--report") { Description = "where to write the report of skipped and failed files (default: import-report-<time>.tsv)" };
        var patientId = new Option<string?>("--patient-id") { Description = "patient ID for plain JPEG/PNG/TIFF images (all of them)" };
        var patientName = new Option<string?>("--patient-name") { Description = "patient name for plain images, as FAMILY^GIVEN" };
        var birthDate = new Option<string?>("--birth-date") { Description = "patient birth date for plain images (YYYYMMDD)" };
        var sex = new Option<string?>("--sex") { Description = "patient sex for plain images (M, F, O)" };
        var modality = new Option<string?>("--modality") { Description = "modality for plain images: IO, PX, DX, XC, OT (default OT)" };
        var studyDate = new Option<string?>("--study-date") { Description = "study date for plain images (YYYYMMDD; default today)" };
        var clinic = new Option<string?>("--clinic") { Description = "clinic new patients belong to (default: Enamel:Clinic); existing patients keep theirs" };
        var mapping = new Option<string?>("--mapping") { Description = "CSV mapping plain images to patients: file,patient_id,patient_name[,birth_date,sex,modality,study_date]" };
        var cmd = new Command("import", "Import an existing archive (folders, DICOMDIR media, zip files; plain JPEG/PNG/TIFF images as Secondary Capture with a patient mapping)")
            { path, data, actAs, report, patientId, patientName, birthDate, sex, modality, studyDate, mapping, clinic };
        cmd.SetAction(async (parse, ct) =>
        {
            var source = parse.GetValue(path)!;
            if (!File.Exists(source) && !Directory.Exists(source))
            {
                Console.Error.WriteLine($"E: {source}: no such file or folder");
                return ExitCodes.InputError;
            }
            ImageMapping? images;
            try
            {
                images = parse.GetValue(mapping) is { } csv ? ImageMapping.FromCsv(csv)
                    : parse.GetValue(patientId) is { } pid ? ImageMapping.ForAll(new ImagePatient(pid, parse.GetValue(patientName) ?? "",
                        parse.GetValue(birthDate) ?? "", (parse.GetValue(sex) ?? "").ToUpperInvariant(), (parse.GetValue(modality) ?? "OT").ToUpperInvariant(), parse.GetValue(studyDate) ?? ""))
                    : null;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                Console.Error.WriteLine($"E: {ex.Message}");
                return ExitCodes.Usage;
            }
            // Importing clinical images is an account's act (--as USER): the command is decided for that account, and
            // then each patient record it stores into, exactly like a STOW by that account.
            var ctx = await Admin.AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var actor = ctx.Actor;
            var clinicCode = parse.GetValue(clinic) is { Length: > 0 } c ? c.Trim() : actor.OnlyClinicOr(ctx.Options.Clinic);
            var target = IngestTarget.For(ctx.Policy, actor, new Operation(RecordCategory.Imaging, RecordAction.Create), Purpose.Operations, clinicCode)
                with { Reason = IngestTarget.ReceivedVia("import") };
            var importer = new ImportArchive(ctx.Get<StoreInstance>(), target, Path.Combine(ctx.Root, "imports"), images);

            IReadOnlyList<ImportLine> lines;
            if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsErrorRedirected)
            {
                lines = await AnsiConsole.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("importing");
                        return await importer.ExecuteAsync(source, new Progress<(int Done, int Total, ImportLine Line)>(p =>
                        {
                            task.MaxValue = p.Total;
                            task.Value = p.Done;
                        }), ct);
                    });
            }
            else
            {
                lines = await importer.ExecuteAsync(source, new Progress<(int Done, int Total, ImportLine Line)>(p =>
                {
                    if (p.Done % 100 == 0 || p.Done == p.Total) Console.Error.WriteLine($"I: {p.Done}/{p.Total}");
                }), ct);
            }

            var reportPath = parse.GetValue(report) ?? $"import-report-{DateTime.UtcNow:yyyyMMddTHHmmss}.tsv";
            await ImportArchive.WriteReportAsync(reportPath, lines, ct);
            foreach (var group in lines.GroupBy(l => l.Outcome).OrderBy(g => g.Key))
                Console.WriteLine($"{group.Key.ToString().ToLowerInvariant()}: {group.Count()}");
            Console.WriteLine($"report: {reportPath}");
            return lines.Any(l => l.Outcome is ImportOutcome.Failed or ImportOutcome.Conflict) ? ExitCodes.Invalid : ExitCodes.Success;
        });
        return cmd;
    }
}
