using Enamel.Core.Blobs;
using Enamel.Core.Keys;
using Enamel.Core.Patients;
using Enamel.Core.Studies;
using Enamel.Dicom;

namespace Enamel.TestShared;

/// <summary>Objects indexed directly, past the ingest pipeline, as a release without its integrity check could acknowledge them.</summary>
public static class PlantedObjects
{
    public static async Task<InstanceAttributes> PlantAsync(IBlobStore blobs, IKeyring keyring, IStudyIndex index, IPatientStore patients, byte[] bytes,
        string clinic = "main")
    {
        using var file = DicomFile.Open(new MemoryStream(bytes), new DicomReadOptions { StopBeforeTag = DicomTags.PixelData });
        var attributes = InstanceAttributes.From(file.Dataset);
        var existing = await patients.FindByDicomIdAsync(attributes.PatientId, attributes.IssuerOfPatientId, default);
        var key = existing?.DataKey ?? await keyring.CreateDataKeyAsync(default);
        long patientKey = existing?.Key ?? (await RegisterPatient.FromImageAsync(patients, attributes.PatientId, attributes.IssuerOfPatientId, attributes.PatientName,
            attributes.PatientBirthDate, attributes.PatientSex, clinic, key, "test", default)).Key;
        var blob = await blobs.PutAsync(new MemoryStream(bytes), key, default);
        var outcome = await index.AddInstanceAsync(attributes, new StoredBlob(blob, bytes.Length, "legacy", file.TransferSyntax.Uid), key,
            new IngestOwner(clinic, patientKey, null), new Enamel.Core.Records.VersionNote("", "planted"), default);
        if (outcome != IndexOutcome.Added) throw new InvalidOperationException($"planting the object was {outcome}, not Added");
        return attributes;
    }
}
