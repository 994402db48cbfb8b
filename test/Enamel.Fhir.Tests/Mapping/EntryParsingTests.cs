using System.Text.Json;
using Enamel.Core.LabCases;
using Enamel.Core.Records;
using Enamel.Core.Referrals;
using Enamel.Core.Treatment;
using Enamel.Fhir.Mapping;
using Enamel.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>
/// The create/update direction: what Enamel writes, sent back as JSON, parses to the same body; what a client gets
/// wrong (bad date, unknown element, wrong code, a tooth that does not exist, a state Core has no word for) is refused
/// with an error naming the element — by the strict parser, by Firely's validator, or by the mapping.
/// </summary>
public sealed class EntryParsingTests
{
    private static readonly BaseFhirJsonSerializer Serializer = new(ModelInfo.ModelInspector);

    /// <summary>Bodies in the states a client may create (drafts, sent orders), with what the mapping normalises.</summary>
    public static TheoryData<string> RoundTrips() =>
    [
        "coverage-min", "coverage-full", "coverage-self-named", "condition-min", "condition-full", "allergy-min", "allergy-full",
        "medication-min", "medication-full", "medication-not-taken", "past-procedure-min", "past-procedure-full",
        "procedure-min", "procedure-full", "procedure-existing", "procedure-palatal", "procedure-cancelled",
        "prescription-min", "prescription-full", "prescription-text-quantity", "note-min", "note-addendum-draft",
        "lab-case-min", "lab-case-full", "referral-min", "referral-full",
    ];

    private static EntryBody Creatable(EntryBody body) => body switch
    {
        Core.Treatment.Procedure p => p with { Surfaces = Teeth.NormalizeSurfaces(p.Surfaces)! },
        LabCase l => l with { Status = "sent", Report = "", Trail = [] },
        Referral r => r with { Status = "sent", Reply = "", Trail = [] },
        _ => body,
    };

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void ToEntry_WhatEnamelWrites_ParsesBackToTheSameBody(string sample)
    {
        var body = Creatable(RecordSamples.Bodies[sample]);
        var json = Serializer.SerializeToString(EntryMapping.ToResource(RecordSamples.Entry(body)));

        var parsed = EntryParsing.ToEntry(EntryParsing.ParseJson(json));

        Assert.Equal(RecordSamples.PatientKey, parsed.PatientKey);
        Assert.Equal(JsonSerializer.Serialize(body), JsonSerializer.Serialize(parsed.Body));
    }

    [Fact]
    public void ToEntry_DocumentWithInlineData_ComputesSizeAndHashAndKeepsTheBytes()
    {
        var data = "%PDF-1.7 consent"u8.ToArray();
        var doc = (DocumentReference)EntryMapping.ToResource(RecordSamples.Entry(RecordSamples.Bodies["document-full"]));
        doc.Content[0].Attachment.Data = data;
        doc.Content[0].Attachment.SizeElement = new UnsignedInt(data.Length);
        var json = Serializer.SerializeToString(doc);
        // R4's Attachment.size is unsignedInt: a JSON number, not integer64's string.
        Assert.Equal(JsonValueKind.Number, JsonDocument.Parse(json).RootElement.GetProperty("content")[0].GetProperty("attachment").GetProperty("size").ValueKind);
        var parsed = EntryParsing.ToEntry(EntryParsing.ParseJson(json));

        var body = Assert.IsType<Core.Documents.Document>(parsed.Body);
        Assert.Equal(data, parsed.Content);
        Assert.Equal(data.Length, body.Size);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)), body.Sha256);
        Assert.Equal(("36", "lower jaw", Core.Access.RecordCategory.LabReports, "superseded"), (body.Tooth, body.BodyPart, body.Filed, body.Status));
        Assert.Equal("", body.BlobKey);
    }

    [Fact]
    public void ParseJson_AttachmentSizeAsR4Number_IsAccepted()
    {
        var json = """
            {"resourceType":"DocumentReference","status":"current","subject":{"reference":"Patient/9"},"description":"bitewing photo",
             "category":[{"coding":[{"system":"urn:enamel:record-category","code":"imaging"}]}],
             "content":[{"attachment":{"contentType":"image/png","data":"iVBORw0KGgo=","size":8,"creation":"2026-01-02"}}]}
            """;
        var resource = EntryParsing.ParseJson(json);
        Assert.Empty(FhirValidator.Shared.Errors(resource));
        Assert.Equal(8, Assert.IsType<Core.Documents.Document>(EntryParsing.ToEntry(resource).Body).Size);
    }

    [Fact]
    public void ToEntry_ToothBySnomedOnly_IsTheFdiTooth()
    {
        var json = """
            {"resourceType":"Procedure","status":"preparation","subject":{"reference":"Patient/9"},"code":{"text":"sealant"},
             "bodySite":[{"coding":[{"system":"http://snomed.info/sct","code":"866006002"}]}]}
            """;
        var p = Assert.IsType<Core.Treatment.Procedure>(EntryParsing.ToEntry(EntryParsing.ParseJson(json)).Body);
        Assert.Equal(("36", "planned"), (p.Tooth, p.Status));
    }

    public static TheoryData<string, string> StrictParserRefusals() => new()
    {
        // bad date
        { """{"resourceType":"Condition","subject":{"reference":"Patient/1"},"code":{"text":"x"},"recordedDate":"2026-13-45"}""", "recordedDate" },
        // unknown element
        { """{"resourceType":"Condition","subject":{"reference":"Patient/1"},"code":{"text":"x"},"severity2":{"text":"high"}}""", "severity2" },
        // wrong code for a required binding on a code element
        { """{"resourceType":"Procedure","status":"finished","subject":{"reference":"Patient/1"}}""", "status" },
        // wrong JSON type
        { """{"resourceType":"Coverage","status":"active","beneficiary":"Patient/1"}""", "beneficiary" },
    };

    [Theory]
    [MemberData(nameof(StrictParserRefusals))]
    public void ParseJson_InvalidResource_NamesTheElement(string json, string element)
    {
        var e = Assert.Throws<FhirInputException>(() => EntryParsing.ParseJson(json));
        Assert.Contains(element, e.Element, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"resourceType":"NoSuchThing"}""")]
    [InlineData("[]")]
    public void ParseJson_NotAResource_IsAClearError(string json) =>
        Assert.Throws<FhirInputException>(() => EntryParsing.ParseJson(json));

    [Fact]
    public void Validator_WrongCodeInARequiredBinding_NamesTheElement()
    {
        var a = (AllergyIntolerance)EntryMapping.ToResource(RecordSamples.Entry(RecordSamples.Bodies["allergy-min"]));
        a.ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "gone");
        var errors = FhirValidator.Shared.Errors(a);
        Assert.Contains(errors, i => i.Element.StartsWith("AllergyIntolerance.clinicalStatus", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_MissingRequiredElementAndBadSurfaceExtension_AreErrors()
    {
        var p = (Hl7.Fhir.Model.Procedure)EntryMapping.ToResource(RecordSamples.Entry(RecordSamples.Bodies["procedure-full"]));
        p.Subject = null!;
        p.BodySite[0].Extension[0].Value = new FhirString("M"); // the extension's definition says Coding
        var errors = FhirValidator.Shared.Errors(p);
        Assert.Contains(errors, i => i.Element.Contains("subject", StringComparison.Ordinal) || i.Message.Contains("subject", StringComparison.Ordinal));
        Assert.Contains(errors, i => i.Element.StartsWith("Procedure.bodySite[0].extension", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> MappingRefusals() => new()
    {
        { """{"resourceType":"Procedure","status":"completed","subject":{"reference":"Patient/1"},"code":{"text":"x"},"performedDateTime":"2026-01-01","bodySite":[{"coding":[{"system":"urn:iso:std:iso:3950","code":"19"}]}]}""",
            "Procedure.bodySite[0].coding.code" },
        { """{"resourceType":"Procedure","status":"in-progress","subject":{"reference":"Patient/1"},"code":{"text":"x"}}""", "Procedure.status" },
        { """{"resourceType":"Procedure","status":"preparation","subject":{"reference":"Group/1"},"code":{"text":"x"}}""", "Procedure.subject" },
        { """{"resourceType":"Composition","status":"final","type":{"text":"note"},"subject":{"reference":"Patient/1"},"date":"2026-01-01","author":[{"display":"x"}],"title":"t"}""",
            "Composition.status" },
        { """{"resourceType":"Condition","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"subject":{"reference":"Patient/1"},"code":{"text":"x"},"onsetDateTime":"2999-01-01"}""",
            "Condition.onset" },
        { """{"resourceType":"Condition","subject":{"reference":"Patient/1"},"code":{"text":"x"}}""", "Condition.clinicalStatus" },
        { """{"resourceType":"Observation","status":"final","code":{"text":"x"}}""", "resourceType" },
        { """{"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"},"category":[{"coding":[{"system":"urn:enamel:order-kind","code":"lab-case"}]}],"performer":[{"reference":"Organization/1"}]}""",
            "ServiceRequest.performer" },
        { """{"resourceType":"DocumentReference","status":"current","subject":{"reference":"Patient/1"},"category":[{"coding":[{"system":"urn:enamel:record-category","code":"imaging"}]}],"content":[{"attachment":{"contentType":"application/pdf","url":"http://elsewhere/x.pdf"}}]}""",
            "DocumentReference.content[0].attachment.data" },
    };

    [Theory]
    [MemberData(nameof(MappingRefusals))]
    public void ToEntry_WhatEnamelCannotKeep_NamesTheElement(string json, string element)
    {
        var e = Assert.Throws<FhirInputException>(() => EntryParsing.ToEntry(EntryParsing.ParseJson(json)));
        Assert.Equal(element, e.Element);
    }

    [Fact]
    public void TaskMove_BusinessStatus_NamesEntryAndState()
    {
        var task = EntryMapping.ToTask(RecordSamples.Entry(RecordSamples.Bodies["lab-case-full"]));
        Assert.Equal(("e7k2m9q4", "returned"), EntryParsing.TaskMove(task));
    }
}
