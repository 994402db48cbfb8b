using System.Globalization;
using Enamel.Core.Studies;
using Enamel.Dicom;

namespace Enamel.Core.Imports;

public enum ImportOutcome { Imported, Duplicate, Conflict, NotDicom, Failed, AlreadyDone }

public sealed record ImportLine(string Name, ImportOutcome Outcome, string Reason);

/// <summary>
/// Imports an existing archive through the one ingest pipeline. Resumable: a journal in the data folder records
/// each finished item (name, size, time), and a rerun skips them. Every skipped or failed item gets a reason.
/// </summary>
public sealed class ImportArchive(StoreInstance store, IngestTarget target, string journalDirectory, ImageMapping? images = null, TimeProvider? time = null)
{
    private readonly Dictionary<string, (string Study, Dictionary<string, (string Series, int Number)> Series)> studies = new(StringComparer.Ordinal);
    private int instanceNumber;

    public async Task<IReadOnlyList<ImportLine>> ExecuteAsync(string sourcePath, IProgress<(int Done, int Total, ImportLine Line)>? progress, CancellationToken ct)
    {
        var items = ImportSource.Enumerate(sourcePath).ToList();
        var journal = await ImportJournal.OpenAsync(journalDirectory, Path.GetFullPath(sourcePath), ct);
        var lines = new List<ImportLine>();
        int done = 0;
        foreach (var item in items)
        {
            ct.ThrowIfCancellationRequested();
            ImportLine line;
            if (journal.IsDone(item))
            {
                line = new ImportLine(item.Name, ImportOutcome.AlreadyDone, "imported by an earlier run");
            }
            else
            {
                line = await ImportOneAsync(item, ct);
                if (line.Outcome is ImportOutcome.Imported or ImportOutcome.Duplicate) await journal.RecordAsync(item, ct);
            }
            lines.Add(line);
            progress?.Report((++done, items.Count, line));
        }
        return lines;
    }

    private async Task<ImportLine> ImportOneAsync(ImportItem item, CancellationToken ct)
    {
        try
        {
            await using var stream = item.Open();
            StoreResult result;
            if (Dicom.Imaging.SecondaryCaptureBuilder.IsSupportedImage(item.Name))
            {
                var patient = images?.Find(item.Name);
                if (patient is null)
                    return new ImportLine(item.Name, ImportOutcome.NotDicom, "plain image without a patient mapping: give --patient-id and --patient-name, or --mapping CSV");
                var wrapped = new MemoryStream();
                DicomFile.Create(Wrap(stream, item.Name, patient), DicomTransferSyntax.ExplicitVRLittleEndian).Save(wrapped);
                wrapped.Position = 0;
                result = await store.ExecuteAsync(wrapped, target, ct);
            }
            else result = await store.ExecuteAsync(stream, target, ct);
            return result.Status switch
            {
                StoreStatus.Stored => new ImportLine(item.Name, ImportOutcome.Imported, ""),
                StoreStatus.StoredFlaggedForReview => new ImportLine(item.Name, ImportOutcome.Imported, "patient identity differs from earlier data: flagged for review"),
                StoreStatus.AlreadyStored => new ImportLine(item.Name, ImportOutcome.Duplicate, "already stored (same SOP Instance UID and bytes)"),
                StoreStatus.StoredNewVersion => new ImportLine(item.Name, ImportOutcome.Imported, "stored as a new version of an existing SOP Instance UID"),
                StoreStatus.Refused => new ImportLine(item.Name, ImportOutcome.Failed, "refused: not allowed to store into this patient's record"),
                _ => new ImportLine(item.Name, ImportOutcome.Conflict, "a different object with the same SOP Instance UID is stored"),
            };
        }
        catch (InvalidInstanceException ex)
        {
            return new ImportLine(item.Name, ImportOutcome.NotDicom, ex.Message);
        }
        catch (Dicom.Imaging.DicomImagingException ex)
        {
            return new ImportLine(item.Name, ImportOutcome.Failed, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new ImportLine(item.Name, ImportOutcome.Failed, ex.Message);
        }
    }

    /// <summary>A plain image as Secondary Capture: one new study per patient and study date, one series per modality, in this run.</summary>
    private DicomDataset Wrap(Stream image, string name, ImagePatient p)
    {
        var clock = time ?? TimeProvider.System;
        var date = p.StudyDate.Length > 0 ? p.StudyDate : clock.GetLocalNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var studyKey = p.PatientId + "\u0000" + date;
        if (!studies.TryGetValue(studyKey, out var study))
            studies[studyKey] = study = (DicomImplementation.NewUid(), new Dictionary<string, (string, int)>(StringComparer.Ordinal));
        if (!study.Series.TryGetValue(p.Modality, out var series))
            study.Series[p.Modality] = series = (DicomImplementation.NewUid(), study.Series.Count + 1);
        return Dicom.Imaging.SecondaryCaptureBuilder.Build(image, name, new Dicom.Imaging.SecondaryCaptureIdentity
        {
            PatientId = p.PatientId, PatientName = p.PatientName, PatientBirthDate = p.BirthDate, PatientSex = p.Sex,
            StudyInstanceUid = study.Study, SeriesInstanceUid = series.Series, SeriesNumber = series.Number, StudyDate = date,
            Modality = p.Modality, InstanceNumber = ++instanceNumber, StudyDescription = "Imported images",
        }, clock);
    }

    /// <summary>Writes the report: one tab-separated line per item that was not imported, with its reason.</summary>
    public static async Task WriteReportAsync(string path, IEnumerable<ImportLine> lines, CancellationToken ct)
    {
        await using var w = new StreamWriter(path);
        await w.WriteLineAsync("file\toutcome\treason");
        foreach (var l in lines.Where(l => l.Outcome is not ImportOutcome.Imported))
            await w.WriteLineAsync($"{l.Name}\t{l.Outcome.ToString().ToLowerInvariant()}\t{l.Reason.Replace('\t', ' ').Replace('\n', ' ')}".AsMemory(), ct);
    }
}

/// <summary>The record of finished items of one source, appended and flushed after each item so an interrupted import resumes.</summary>
internal sealed class ImportJournal
{
    private readonly string path;
    private readonly HashSet<string> done;

    private ImportJournal(string path, HashSet<string> done)
    {
        this.path = path;
        this.done = done;
    }

    public static async Task<ImportJournal> OpenAsync(string directory, string source, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var name = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source)))[..16];
        var path = Path.Combine(directory, name + ".journal");
        var done = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(path))
            foreach (var line in await File.ReadAllLinesAsync(path, ct)) done.Add(line);
        return new ImportJournal(path, done);
    }

    /// <summary>A hash, not the name: folder and file names of clinic archives often carry patient names.</summary>
    private static string Key(ImportItem item) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        $"{item.Name}\t{item.Size.ToString(CultureInfo.InvariantCulture)}\t{item.Modified.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}")));

    public bool IsDone(ImportItem item) => done.Contains(Key(item));

    public async Task RecordAsync(ImportItem item, CancellationToken ct)
    {
        var key = Key(item);
        if (!done.Add(key)) return;
        await File.AppendAllTextAsync(path, key + "\n", ct);
    }
}
