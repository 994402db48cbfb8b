using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Enamel.Core.Access;
using Enamel.Core.Records;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using F = Hl7.Fhir.Model;
using Docs = Enamel.Core.Documents;
using Hist = Enamel.Core.History;
using Ins = Enamel.Core.Insurance;
using Labs = Enamel.Core.LabCases;
using Notes = Enamel.Core.Notes;
using Refs = Enamel.Core.Referrals;
using Treat = Enamel.Core.Treatment;

namespace Enamel.Fhir.Mapping;

/// <summary>What a client's resource says as an entry body: the body, the patient it names, and a document's bytes.</summary>
public sealed record ParsedEntry(EntryBody Body, long PatientKey)
{
    /// <summary>A DocumentReference's inline content (attachment.data); the store seals it and fills the body's blob key.</summary>
    public byte[]? Content { get; init; }
}

/// <summary>
/// The create/update direction: a resource a client sends (JSON, strictly parsed) becomes an entry body, the inverse
/// of <see cref="EntryMapping"/>. Anything Enamel cannot keep — an unknown element, a bad date, a status outside Core's
/// workflow, a reference where Enamel records a name, a body rule broken — is a <see cref="FhirInputException"/> naming
/// the element. Parsing stores nothing; validation against R4 (<see cref="Validation.FhirValidator"/>) is the caller's
/// step before this one.
/// </summary>
public static partial class EntryParsing
{
    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    /// <summary>A resource from FHIR JSON, strictly: unknown elements, wrong types and bad values are errors naming the element.</summary>
    public static F.Resource ParseJson(string json)
    {
        try
        {
            return Strict.DeserializeResource(json);
        }
        catch (DeserializationFailedException e)
        {
            var first = e.Exceptions.FirstOrDefault();
            var where = first is ExtendedCodedException x && !string.IsNullOrEmpty(x.InstancePath) ? x.InstancePath : "resource";
            throw new FhirInputException(where, first?.Message ?? e.Message);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            throw new FhirInputException("resource", "not a FHIR JSON resource: " + e.Message);
        }
    }

    /// <summary>The entry body a resource describes (ServiceRequest: a lab case or a referral by its category).</summary>
    public static ParsedEntry ToEntry(F.Resource resource)
    {
        var parsed = resource switch
        {
            F.Coverage r => new ParsedEntry(Coverage(r), PatientOf(r.Beneficiary, "Coverage.beneficiary")),
            F.Condition r => new ParsedEntry(Condition(r), PatientOf(r.Subject, "Condition.subject")),
            F.AllergyIntolerance r => new ParsedEntry(Allergy(r), PatientOf(r.Patient, "AllergyIntolerance.patient")),
            F.MedicationStatement r => new ParsedEntry(Medication(r), PatientOf(r.Subject, "MedicationStatement.subject")),
            F.Procedure r => new ParsedEntry(Procedure(r), PatientOf(r.Subject, "Procedure.subject")),
            F.MedicationRequest r => new ParsedEntry(Prescription(r), PatientOf(r.Subject, "MedicationRequest.subject")),
            F.Composition r => new ParsedEntry(Note(r), PatientOf(r.Subject, "Composition.subject")),
            F.DocumentReference r => Document(r),
            F.ServiceRequest r => new ParsedEntry(Order(r), PatientOf(r.Subject, "ServiceRequest.subject")),
            _ => throw new FhirInputException("resourceType", $"{resource.TypeName} is not a clinical record entry Enamel takes"),
        };
        // A Document's blob is filled by the store after sealing the content: check the rest.
        var problem = parsed.Body is Docs.Document d ? (d with { BlobKey = "pending" }).Check() : parsed.Body.Check();
        if (problem is not null) throw new FhirInputException(ElementOf(resource.TypeName, problem), problem.Text);
        return parsed;
    }

    /// <summary>
    /// A Task's move of a lab case or referral: the entry id (Task.focus or basedOn ServiceRequest/{id}) and Core's state
    /// (businessStatus in <see cref="FhirSystems.WorkflowState"/>, else derived from Task.status). The trail verb decides
    /// whether the move is allowed.
    /// </summary>
    public static (string EntryId, string State) TaskMove(F.Task task)
    {
        var target = task.Focus?.Reference ?? task.BasedOn.FirstOrDefault()?.Reference ?? "";
        var m = ServiceRequestReference().Match(target);
        if (!m.Success) throw new FhirInputException("Task.focus", "a Task names its ServiceRequest (ServiceRequest/{id})");
        var business = task.BusinessStatus?.Coding.FirstOrDefault(c => c.System == FhirSystems.WorkflowState)?.Code;
        var state = business ?? task.Status switch
        {
            F.Task.TaskStatus.Draft => "draft",
            F.Task.TaskStatus.Requested => "sent",
            F.Task.TaskStatus.Received => "received",
            F.Task.TaskStatus.Accepted => "accepted",
            F.Task.TaskStatus.InProgress => "seen",
            F.Task.TaskStatus.Cancelled => "cancelled",
            _ => throw new FhirInputException("Task.status", "give the state as Task.businessStatus (urn:enamel:workflow-state)"),
        };
        if (!Labs.LabCase.States.Contains(state) && !Refs.Referral.States.Contains(state))
            throw new FhirInputException("Task.businessStatus", "not a lab case or referral state");
        return (m.Groups[1].Value, state);
    }

    [GeneratedRegex(@"^(?:.*/)?ServiceRequest/([A-Za-z0-9\-\.]{1,64})$")]
    private static partial Regex ServiceRequestReference();

    [GeneratedRegex(@"^(?:.*/)?Patient/([0-9]{1,18})$")]
    private static partial Regex PatientReferencePattern();

    [GeneratedRegex(@"^(?:.*/)?(Composition|DocumentReference)/([A-Za-z0-9\-\.]{1,64})$")]
    private static partial Regex EntryReferencePattern();

    // ---- per resource ----

    private static Ins.Coverage Coverage(F.Coverage r)
    {
        var status = r.Status switch
        {
            F.FinancialResourceStatusCodes.Active => "active",
            F.FinancialResourceStatusCodes.Cancelled => "cancelled",
            _ => throw new FhirInputException("Coverage.status", "active or cancelled"),
        };
        if (r.Payor.Count != 1 || string.IsNullOrWhiteSpace(r.Payor[0].Display))
            throw new FhirInputException("Coverage.payor", "one payer, named by Reference.display (Enamel keeps no payer Organization)");
        var member = r.Identifier.FirstOrDefault(i => i.Type?.Coding.Any(c => c.System == FhirSystems.V2IdentifierType && c.Code == "MB") == true)?.Value
            ?? r.SubscriberId ?? r.Identifier.FirstOrDefault()?.Value ?? "";
        var plan = r.Class.FirstOrDefault(c => c.Type?.Coding.Any(x => x.System == FhirSystems.CoverageClass && x.Code == "plan") == true)?.Value ?? "";
        var relationship = r.Relationship?.Coding.FirstOrDefault(c => c.System == FhirSystems.SubscriberRelationship)?.Code
            ?? throw new FhirInputException("Coverage.relationship", "a subscriber-relationship code (self, spouse, child, parent, common, other, injured)");
        return new Ins.Coverage(r.Payor[0].Display!.Trim(), plan, member, r.Subscriber?.Display ?? "", relationship,
            Date(r.Period?.StartElement, "Coverage.period.start"), Date(r.Period?.EndElement, "Coverage.period.end"), status);
    }

    private static Hist.Condition Condition(F.Condition r)
    {
        var status = r.ClinicalStatus?.Coding.FirstOrDefault(c => c.System == FhirSystems.ConditionClinical)?.Code
            ?? throw new FhirInputException("Condition.clinicalStatus", "a condition-clinical code");
        var onset = r.Onset switch
        {
            null => "",
            F.FhirDateTime d => Date(d, "Condition.onset"),
            _ => throw new FhirInputException("Condition.onset", "only onsetDateTime"),
        };
        return new Hist.Condition(Code(r.Code, "Condition.code"), status, onset, Date(r.RecordedDateElement, "Condition.recordedDate"), Join(r.Note));
    }

    private static Hist.Allergy Allergy(F.AllergyIntolerance r)
    {
        var status = r.ClinicalStatus?.Coding.FirstOrDefault(c => c.System == FhirSystems.AllergyClinical)?.Code
            ?? throw new FhirInputException("AllergyIntolerance.clinicalStatus", "an allergyintolerance-clinical code");
        if (r.CategoryElement.Count != 1) throw new FhirInputException("AllergyIntolerance.category", "one category");
        var category = r.CategoryElement[0].Value?.GetLiteral() ?? "";
        var onset = r.Onset switch
        {
            null => "",
            F.FhirDateTime d => Date(d, "AllergyIntolerance.onset"),
            _ => throw new FhirInputException("AllergyIntolerance.onset", "only onsetDateTime"),
        };
        var reaction = r.Reaction.FirstOrDefault()?.Manifestation.FirstOrDefault() is { } m ? m.Text ?? m.Coding.FirstOrDefault()?.Display ?? "" : "";
        return new Hist.Allergy(Code(r.Code, "AllergyIntolerance.code"), r.Type?.GetLiteral() ?? "allergy", category,
            r.Criticality?.GetLiteral() ?? "unable-to-assess", reaction, status, onset, Date(r.RecordedDateElement, "AllergyIntolerance.recordedDate"));
    }

    private static Hist.Medication Medication(F.MedicationStatement r)
    {
        var status = r.Status?.GetLiteral() ?? "";
        if (status is "entered-in-error" or "unknown") throw new FhirInputException("MedicationStatement.status", "one of " + string.Join(", ", Hist.Medication.States));
        var drug = r.Medication as F.CodeableConcept ?? throw new FhirInputException("MedicationStatement.medication", "only medicationCodeableConcept");
        var (start, end) = r.Effective switch
        {
            null => ("", ""),
            F.FhirDateTime d => (Date(d, "MedicationStatement.effective"), ""),
            F.Period p => (Date(p.StartElement, "MedicationStatement.effective.start"), Date(p.EndElement, "MedicationStatement.effective.end")),
            _ => throw new FhirInputException("MedicationStatement.effective", "effectiveDateTime or effectivePeriod"),
        };
        return new Hist.Medication(Code(drug, "MedicationStatement.medication"), string.Join("; ", r.Dosage.Select(d => d.Text).Where(t => !string.IsNullOrEmpty(t))), status, start, end);
    }

    private static EntryBody Procedure(F.Procedure r)
    {
        var kind = r.Category?.Coding.FirstOrDefault(c => c.System == FhirSystems.ProcedureKind)?.Code ?? "dental-treatment";
        var performed = r.Performed switch
        {
            null => "",
            F.FhirDateTime d => Date(d, "Procedure.performed"),
            _ => throw new FhirInputException("Procedure.performed", "only performedDateTime"),
        };
        if (kind is "past-surgery" or "past-hospitalisation")
        {
            if (r.Status != F.EventStatus.Completed) throw new FhirInputException("Procedure.status", "a past surgery or hospitalisation is completed");
            return new Hist.PastProcedure(kind == "past-surgery" ? "surgery" : "hospitalisation", Code(r.Code, "Procedure.code"), performed,
                r.Location?.Display ?? "", Join(r.Note));
        }
        if (kind is not ("dental-treatment" or "existing-work"))
            throw new FhirInputException("Procedure.category", "past-surgery, past-hospitalisation, dental-treatment or existing-work (urn:enamel:procedure-kind)");
        var status = r.Status switch
        {
            F.EventStatus.Completed => kind == "existing-work" ? "existing" : "completed",
            F.EventStatus.Preparation => "planned",
            F.EventStatus.NotDone => "cancelled",
            _ => throw new FhirInputException("Procedure.status", "preparation (planned), completed or not-done (cancelled)"),
        };
        if (r.BodySite.Count > 1) throw new FhirInputException("Procedure.bodySite", "one tooth per procedure");
        var (tooth, surfaces) = r.BodySite.Count == 0 ? ("", "")
            : ToothCoding.FromBodySite(r.BodySite[0], "Procedure.bodySite[0]") ?? throw new FhirInputException("Procedure.bodySite[0]", "a tooth (FDI or SNOMED CT tooth coding)");
        if (r.Performer.Count > 1) throw new FhirInputException("Procedure.performer", "one performer");
        var provider = r.Performer.Count == 0 ? "" : UserOf(r.Performer[0].Actor, "Procedure.performer[0].actor");
        return new Treat.Procedure(Code(r.Code, "Procedure.code"), tooth, surfaces, status, performed, provider, Join(r.Note));
    }

    private static Treat.Prescription Prescription(F.MedicationRequest r)
    {
        var status = r.Status?.GetLiteral() ?? "";
        if (!Treat.Prescription.States.Contains(status)) throw new FhirInputException("MedicationRequest.status", "one of " + string.Join(", ", Treat.Prescription.States));
        if (r.Intent != F.MedicationRequest.MedicationRequestIntent.Order) throw new FhirInputException("MedicationRequest.intent", "order");
        var drug = r.Medication as F.CodeableConcept ?? throw new FhirInputException("MedicationRequest.medication", "only medicationCodeableConcept");
        if (r.DosageInstruction.Count != 1) throw new FhirInputException("MedicationRequest.dosageInstruction", "one dosage instruction");
        var d = r.DosageInstruction[0];
        var route = d.Route?.Coding.FirstOrDefault(c => c.System == FhirSystems.Route)?.Code ?? d.Route?.Text ?? "other";
        var days = 0;
        if (r.DispenseRequest?.ExpectedSupplyDuration is { } duration)
        {
            if (duration.Code is not ("d" or null) || duration.Value is not { } v || v != decimal.Truncate(v) || v is < 0 or > 3650)
                throw new FhirInputException("MedicationRequest.dispenseRequest.expectedSupplyDuration", "whole days (UCUM d), 0 to 3650");
            days = (int)v;
        }
        var notes = r.Note.Select(n => n.Text ?? "").ToList();
        var quantity = r.DispenseRequest?.Quantity is { Value: { } qv } q
            ? (qv.ToString(CultureInfo.InvariantCulture) + (string.IsNullOrEmpty(q.Unit) ? "" : " " + q.Unit))
            : notes.FirstOrDefault(n => n.StartsWith(EntryMapping.QuantityNotePrefix, StringComparison.Ordinal))?[EntryMapping.QuantityNotePrefix.Length..] ?? "";
        var note = string.Join("\n", notes.Where(n => !n.StartsWith(EntryMapping.QuantityNotePrefix, StringComparison.Ordinal) && n.Length > 0));
        return new Treat.Prescription(Code(drug, "MedicationRequest.medication"), d.Text ?? "", route, d.Timing?.Code?.Text ?? "", days, quantity,
            UserOf(r.Requester, "MedicationRequest.requester"), Date(r.AuthoredOnElement, "MedicationRequest.authoredOn"), status, note);
    }

    private static Notes.ClinicalNote Note(F.Composition r)
    {
        if (r.Status != F.CompositionStatus.Preliminary)
            throw new FhirInputException("Composition.status", "a note is written as preliminary (a draft); signing is a separate step");
        if (r.Attester.Count > 0) throw new FhirInputException("Composition.attester", "a draft carries no signature");
        if (r.Section.Count != 1 || r.Section[0].Text?.Div is not { } div)
            throw new FhirInputException("Composition.section", "one section with the note's text (narrative)");
        var on = r.Event.FirstOrDefault()?.Period?.StartElement is { } start ? Date(start, "Composition.event[0].period.start") : Date(r.DateElement, "Composition.date");
        var appends = "";
        if (r.RelatesTo.Count > 0)
        {
            if (r.RelatesTo.Count > 1 || r.RelatesTo[0].Code != F.DocumentRelationshipType.Appends || r.RelatesTo[0].Target is not F.ResourceReference target
                || EntryReferencePattern().Match(target.Reference ?? "") is not { Success: true } m || m.Groups[1].Value != "Composition")
                throw new FhirInputException("Composition.relatesTo", "one 'appends' to the signed note (Composition/{id})");
            appends = m.Groups[2].Value;
        }
        return new Notes.ClinicalNote(r.Title ?? "", TextOf(div), on, "draft", appends);
    }

    private static ParsedEntry Document(F.DocumentReference r)
    {
        var status = r.Status switch
        {
            F.DocumentReferenceStatus.Current => "current",
            F.DocumentReferenceStatus.Superseded => "superseded",
            _ => throw new FhirInputException("DocumentReference.status", "current or superseded"),
        };
        var code = r.Category.SelectMany(c => c.Coding).FirstOrDefault(c => c.System == FhirSystems.RecordCategory)?.Code
            ?? throw new FhirInputException("DocumentReference.category", "the record category (urn:enamel:record-category) it is filed under");
        var filed = Enum.GetValues<RecordCategory>().Cast<RecordCategory?>().FirstOrDefault(c => EntryMapping.CategoryCode(c!.Value) == code)
            ?? throw new FhirInputException("DocumentReference.category", "not a record category");
        if (r.Content.Count != 1) throw new FhirInputException("DocumentReference.content", "one content");
        var a = r.Content[0].Attachment;
        if (a.Data is not { Length: > 0 } data) throw new FhirInputException("DocumentReference.content[0].attachment.data", "the document's bytes, inline (base64)");
        if (a.SizeElement is F.UnsignedInt { Value: { } size } && size != data.Length) throw new FhirInputException("DocumentReference.content[0].attachment.size", "does not match the data");
        string tooth = "", bodyPart = "";
        if (r.Extension.FirstOrDefault(e => e.Url == FhirSystems.DocumentBodySiteExtension)?.Value is F.CodeableConcept site)
        {
            tooth = ToothCoding.FromBodySite(site, "DocumentReference.extension")?.Tooth ?? "";
            bodyPart = tooth.Length > 0 && site.Text == $"tooth {tooth}" ? "" : site.Text ?? "";
        }
        var on = a.CreationElement is { } created ? Date(created, "DocumentReference.content[0].attachment.creation") : r.Date is { } date ? date.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
        var body = new Docs.Document(r.Description ?? a.Title ?? "", filed, on, a.ContentType ?? "", "", data.Length, Convert.ToHexStringLower(SHA256.HashData(data)),
            tooth, bodyPart, status);
        return new ParsedEntry(body, PatientOf(r.Subject, "DocumentReference.subject")) { Content = data };
    }

    private static EntryBody Order(F.ServiceRequest r)
    {
        var kind = r.Category.SelectMany(c => c.Coding).FirstOrDefault(c => c.System == FhirSystems.OrderKind)?.Code
            ?? throw new FhirInputException("ServiceRequest.category", "lab-case or referral (urn:enamel:order-kind)");
        var status = r.Status switch
        {
            F.RequestStatus.Draft => "draft",
            F.RequestStatus.Active => "sent",
            _ => throw new FhirInputException("ServiceRequest.status", "draft or active (sent); later states move by Task"),
        };
        if (r.Intent != F.RequestIntent.Order) throw new FhirInputException("ServiceRequest.intent", "order");
        if (r.Performer.Count != 1 || string.IsNullOrWhiteSpace(r.Performer[0].Display))
            throw new FhirInputException("ServiceRequest.performer", "one performer, named by Reference.display");
        var attachments = r.SupportingInfo.Select((s, i) => AttachmentId(s, $"ServiceRequest.supportingInfo[{i}]")).ToList();
        var text = string.Join("\n", r.Note.Select(n => n.Text ?? ""));
        switch (kind)
        {
            case "lab-case":
                var teeth = r.BodySite.Select((b, i) => ToothCoding.FromBodySite(b, $"ServiceRequest.bodySite[{i}]")?.Tooth
                    ?? throw new FhirInputException($"ServiceRequest.bodySite[{i}]", "a tooth (FDI or SNOMED CT tooth coding)")).ToList();
                var shade = r.OrderDetail.Select(o => o.Text ?? "").FirstOrDefault(t => t.StartsWith(EntryMapping.ShadePrefix, StringComparison.Ordinal))?[EntryMapping.ShadePrefix.Length..] ?? "";
                var due = r.Occurrence switch
                {
                    null => "",
                    F.FhirDateTime d => Date(d, "ServiceRequest.occurrence"),
                    _ => throw new FhirInputException("ServiceRequest.occurrence", "only occurrenceDateTime (the due date)"),
                };
                return new Labs.LabCase(r.Performer[0].Display!.Trim(), text, shade, teeth, attachments, due, status);
            case "referral":
                return new Refs.Referral(r.Performer[0].Display!.Trim(), r.PerformerType?.Text ?? "", text, attachments,
                    Date(r.AuthoredOnElement, "ServiceRequest.authoredOn"), status);
            default:
                throw new FhirInputException("ServiceRequest.category", "lab-case or referral (urn:enamel:order-kind)");
        }
    }

    // ---- shared ----

    private static long PatientOf(F.ResourceReference? reference, string element)
    {
        var m = PatientReferencePattern().Match(reference?.Reference ?? "");
        if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var key))
            throw new FhirInputException(element, "a reference to the patient (Patient/{id})");
        return key;
    }

    private static string UserOf(F.ResourceReference? reference, string element) =>
        reference?.Identifier is { System: FhirSystems.User, Value: { Length: > 0 } id } ? id
            : throw new FhirInputException(element, "a user, referenced by identifier (system urn:enamel:user)");

    private static string AttachmentId(F.ResourceReference r, string element)
    {
        if (r.Identifier is { System: FhirSystems.DicomUid, Value: { } v } && v.StartsWith("urn:oid:", StringComparison.Ordinal)) return v["urn:oid:".Length..];
        if (EntryReferencePattern().Match(r.Reference ?? "") is { Success: true } m && m.Groups[1].Value == "DocumentReference") return m.Groups[2].Value;
        throw new FhirInputException(element, "a DocumentReference/{id} or a DICOM instance (identifier urn:dicom:uid, urn:oid:…)");
    }

    /// <summary>A CodeableConcept as Core's coding: its first coding with a code (and system), else its text.</summary>
    private static Coding Code(F.CodeableConcept? concept, string element)
    {
        if (concept is null) throw new FhirInputException(element, "a code or a text is required");
        if (concept.Coding.FirstOrDefault(c => !string.IsNullOrEmpty(c.Code)) is { } c)
        {
            if (string.IsNullOrEmpty(c.System)) throw new FhirInputException(element + ".coding.system", "a code needs its code system");
            return new Coding(c.System, c.Code!, c.Display ?? concept.Text ?? "");
        }
        return string.IsNullOrWhiteSpace(concept.Text) ? throw new FhirInputException(element, "a code or a text is required") : Coding.Text(concept.Text.Trim());
    }

    /// <summary>A FHIR date or dateTime as Core's yyyy[-MM[-dd]] (the time of a dateTime is dropped).</summary>
    private static string Date(F.FhirDateTime? value, string element)
    {
        var s = value?.Value;
        if (string.IsNullOrEmpty(s)) return "";
        var date = s.Length > 10 ? s[..10] : s;
        return EntryRules.IsDate(date, future: true) ? date : throw new FhirInputException(element, "not a date (yyyy, yyyy-MM or yyyy-MM-dd)");
    }

    private static string Join(List<F.Annotation> notes) => string.Join("\n", notes.Select(n => n.Text ?? "").Where(t => t.Length > 0));

    /// <summary>Narrative XHTML as plain text: paragraphs and line breaks become newlines, tags go, entities are decoded.</summary>
    public static string TextOf(string xhtml)
    {
        var inner = DivOpen().Replace(xhtml.Trim(), "");
        inner = inner.EndsWith("</div>", StringComparison.Ordinal) ? inner[..^6] : inner;
        inner = LineBreaks().Replace(inner, "\n");
        inner = Tags().Replace(inner, "");
        var text = WebUtility.HtmlDecode(inner).Replace('\u00a0', ' ');
        var lines = text.Split('\n').Select(l => l.TrimEnd()).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return string.Join("\n", lines.Select(l => l.Trim().Length == 0 ? "" : l));
    }

    [GeneratedRegex(@"^<div[^>]*>")]
    private static partial Regex DivOpen();

    [GeneratedRegex(@"</p>\s*|<br\s*/?>")]
    private static partial Regex LineBreaks();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();

    /// <summary>A body rule's field (Core's words) as the element of the resource it came from.</summary>
    private static string ElementOf(string type, Core.Patients.PatientProblem problem)
    {
        var field = problem.Args.FirstOrDefault() as string ?? "";
        var element = (type, field) switch
        {
            (_, "status") => "status",
            (_, "note") => "note",
            ("Coverage", "payer") => "payor",
            ("Coverage", "member id") => "identifier",
            ("Coverage", "start" or "end") => "period",
            ("Condition", "condition") => "code",
            ("Condition", "onset") => "onset",
            ("Condition", "recorded") => "recordedDate",
            ("AllergyIntolerance", "substance") => "code",
            ("AllergyIntolerance", "criticality") => "criticality",
            ("AllergyIntolerance", "category") => "category",
            ("AllergyIntolerance", "reaction") => "reaction",
            ("MedicationStatement", "medication") => "medication",
            ("MedicationStatement", "start" or "end") => "effective",
            ("Procedure", "procedure" or "what") => "code",
            ("Procedure", "tooth") => "bodySite",
            ("Procedure", "date") => "performed",
            ("Procedure", "provider") => "performer",
            ("Procedure", "place") => "location",
            ("MedicationRequest", "medication") => "medication",
            ("MedicationRequest", "dose" or "route" or "frequency") => "dosageInstruction",
            ("MedicationRequest", "quantity") => "dispenseRequest.quantity",
            ("MedicationRequest", "prescriber") => "requester",
            ("MedicationRequest", "written") => "authoredOn",
            ("Composition", "title") => "title",
            ("Composition", "text") => "section",
            ("Composition", "date") => "event",
            ("Composition", "appends") => "relatesTo",
            ("DocumentReference", "title") => "description",
            ("DocumentReference", "date") => "content.attachment.creation",
            ("DocumentReference", "content type") => "content.attachment.contentType",
            ("DocumentReference", "tooth" or "body part") => "extension",
            ("ServiceRequest", "lab" or "to") => "performer",
            ("ServiceRequest", "specification" or "summary") => "note",
            ("ServiceRequest", "teeth") => "bodySite",
            ("ServiceRequest", "attachments") => "supportingInfo",
            ("ServiceRequest", "due") => "occurrence",
            ("ServiceRequest", "date") => "authoredOn",
            ("ServiceRequest", "specialty") => "performerType",
            _ => "",
        };
        return element.Length == 0 ? type : $"{type}.{element}";
    }
}
