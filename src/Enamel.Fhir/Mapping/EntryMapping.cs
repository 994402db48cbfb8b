using System.Globalization;
using System.Net;
using Enamel.Core.Records;
using F = Hl7.Fhir.Model;
using Docs = Enamel.Core.Documents;
using Hist = Enamel.Core.History;
using Ins = Enamel.Core.Insurance;
using Labs = Enamel.Core.LabCases;
using Notes = Enamel.Core.Notes;
using Refs = Enamel.Core.Referrals;
using Treat = Enamel.Core.Treatment;

namespace Enamel.Fhir.Mapping;

/// <summary>
/// A clinical record entry (one version) as FHIR R4 resources: coverage → Coverage, condition → Condition, allergy →
/// AllergyIntolerance, medication → MedicationStatement, past-procedure and procedure → Procedure, prescription →
/// MedicationRequest, note → Composition, document → DocumentReference, lab-case and referral → ServiceRequest + Task.
/// Ledger lines are not exposed (no R4 resource fits a line that is a charge, a payment or an adjustment; docs/fhir.md).
/// Every resource carries meta.versionId (the entry's version) and meta.lastUpdated (when that version was recorded);
/// the resource id is the entry id. Users (authors, providers) are referenced by identifier (<see cref="FhirSystems.User"/>).
/// </summary>
public static class EntryMapping
{
    /// <summary>Whether entries of this kind are exposed through FHIR (every entry kind but ledger lines).</summary>
    public static bool IsMapped(RecordKind kind) => kind.IsEntry && kind != RecordKind.LedgerLine;

    /// <summary>The resource type an entry kind is read as (lab cases and referrals: ServiceRequest, and a Task alongside).</summary>
    public static string ResourceType(RecordKind kind) =>
        kind == RecordKind.Coverage ? "Coverage"
        : kind == RecordKind.Condition ? "Condition"
        : kind == RecordKind.Allergy ? "AllergyIntolerance"
        : kind == RecordKind.Medication ? "MedicationStatement"
        : kind == RecordKind.PastProcedure || kind == RecordKind.Procedure ? "Procedure"
        : kind == RecordKind.Prescription ? "MedicationRequest"
        : kind == RecordKind.Note ? "Composition"
        : kind == RecordKind.Document ? "DocumentReference"
        : kind == RecordKind.LabCase || kind == RecordKind.Referral ? "ServiceRequest"
        : throw new ArgumentOutOfRangeException(nameof(kind), kind.Name, "not exposed through FHIR");

    /// <summary>The entry kinds a resource type holds (Procedure: past procedures and dental procedures …).</summary>
    public static IReadOnlyList<RecordKind> KindsOf(string resourceType) =>
        resourceType == "Task" ? [RecordKind.LabCase, RecordKind.Referral]
            : [.. RecordKind.Entries.Where(k => IsMapped(k) && ResourceType(k) == resourceType)];

    /// <summary>"Patient/{key}".</summary>
    public static F.ResourceReference PatientReference(long patientKey) => new($"Patient/{patientKey.ToString(CultureInfo.InvariantCulture)}");

    public static F.ResourceReference UserReference(string userId) => new() { Identifier = new F.Identifier(FhirSystems.User, userId) };

    /// <summary>Every resource the entry is read as: one, or for a lab case or a referral the ServiceRequest and its Task.</summary>
    public static IReadOnlyList<F.Resource> ToFhir(RecordEntry entry) =>
        entry.Body is Labs.LabCase or Refs.Referral ? [ToResource(entry), ToTask(entry)] : [ToResource(entry)];

    /// <summary>The entry as its resource (<see cref="ResourceType"/>).</summary>
    public static F.Resource ToResource(RecordEntry entry)
    {
        F.Resource r = entry.Body switch
        {
            Ins.Coverage b => Coverage(entry, b),
            Hist.Condition b => Condition(entry, b),
            Hist.Allergy b => Allergy(entry, b),
            Hist.Medication b => MedicationStatement(entry, b),
            Hist.PastProcedure b => PastProcedure(entry, b),
            Treat.Procedure b => Procedure(entry, b),
            Treat.Prescription b => MedicationRequest(entry, b),
            Notes.ClinicalNote b => Composition(entry, b),
            Docs.Document b => DocumentReference(entry, b),
            Labs.LabCase b => LabServiceRequest(entry, b),
            Refs.Referral b => ReferralServiceRequest(entry, b),
            _ => throw new ArgumentOutOfRangeException(nameof(entry), entry.Kind.Name, "not exposed through FHIR"),
        };
        Stamp(r, entry);
        return r;
    }

    private static bool Withdrawn(RecordEntry e) => e.Status == VersionStatus.EnteredInError || e.Withdrawn is not null;

    private static void Stamp(F.Resource r, RecordEntry e)
    {
        r.Id = e.Id;
        r.Meta = new F.Meta { VersionId = e.Version.ToString(CultureInfo.InvariantCulture), LastUpdated = e.Recorded.ToUniversalTime() };
    }

    // ---- insurance ----

    private static F.Coverage Coverage(RecordEntry e, Ins.Coverage b)
    {
        var c = new F.Coverage
        {
            Status = Withdrawn(e) ? F.FinancialResourceStatusCodes.EnteredInError
                : b.Status == "cancelled" ? F.FinancialResourceStatusCodes.Cancelled : F.FinancialResourceStatusCodes.Active,
            Identifier = [new F.Identifier { Type = new F.CodeableConcept(FhirSystems.V2IdentifierType, "MB", "Member Number"), Value = b.MemberId }],
            Beneficiary = PatientReference(e.PatientKey),
            Payor = [new F.ResourceReference { Display = b.Payer }],
            Relationship = new F.CodeableConcept(FhirSystems.SubscriberRelationship, b.Relationship),
        };
        if (b.Relationship == "self") c.Subscriber = PatientReference(e.PatientKey);
        else if (b.Subscriber.Length > 0) c.Subscriber = new F.ResourceReference { Display = b.Subscriber };
        if (b.Relationship == "self" && b.Subscriber.Length > 0) c.Subscriber!.Display = b.Subscriber;
        if (b.Start.Length > 0 || b.End.Length > 0) c.Period = Period(b.Start, b.End);
        if (b.Plan.Length > 0)
            c.Class = [new F.Coverage.ClassComponent { Type = new F.CodeableConcept(FhirSystems.CoverageClass, "plan", "Plan"), Value = b.Plan }];
        return c;
    }

    // ---- medical history ----

    private static F.Condition Condition(RecordEntry e, Hist.Condition b)
    {
        var c = new F.Condition
        {
            Category = [new F.CodeableConcept(FhirSystems.ConditionCategory, "problem-list-item", "Problem List Item")],
            Code = Concept(b.Code),
            Subject = PatientReference(e.PatientKey),
            Note = Notes(b.Note),
        };
        // con-5: an entered-in-error condition has no clinical status.
        if (Withdrawn(e)) c.VerificationStatus = new F.CodeableConcept(FhirSystems.ConditionVerification, "entered-in-error", "Entered in Error");
        else c.ClinicalStatus = new F.CodeableConcept(FhirSystems.ConditionClinical, b.ClinicalStatus);
        if (b.Onset.Length > 0) c.Onset = new F.FhirDateTime(b.Onset);
        if (b.Recorded.Length > 0) c.RecordedDateElement = new F.FhirDateTime(b.Recorded);
        return c;
    }

    private static F.AllergyIntolerance Allergy(RecordEntry e, Hist.Allergy b)
    {
        var a = new F.AllergyIntolerance
        {
            Type = b.Type == "intolerance" ? F.AllergyIntolerance.AllergyIntoleranceType.Intolerance : F.AllergyIntolerance.AllergyIntoleranceType.Allergy,
            Category = [Enum.Parse<F.AllergyIntolerance.AllergyIntoleranceCategory>(b.AllergyCategory, ignoreCase: true)],
            Criticality = b.Criticality switch
            {
                "high" => F.AllergyIntolerance.AllergyIntoleranceCriticality.High,
                "low" => F.AllergyIntolerance.AllergyIntoleranceCriticality.Low,
                _ => F.AllergyIntolerance.AllergyIntoleranceCriticality.UnableToAssess,
            },
            Code = Concept(b.Substance),
            Patient = PatientReference(e.PatientKey),
        };
        // ait-2: an entered-in-error allergy has no clinical status.
        if (Withdrawn(e)) a.VerificationStatus = new F.CodeableConcept(FhirSystems.AllergyVerification, "entered-in-error", "Entered in Error");
        else a.ClinicalStatus = new F.CodeableConcept(FhirSystems.AllergyClinical, b.ClinicalStatus);
        if (b.Onset.Length > 0) a.Onset = new F.FhirDateTime(b.Onset);
        if (b.Recorded.Length > 0) a.RecordedDateElement = new F.FhirDateTime(b.Recorded);
        if (b.Reaction.Length > 0)
            a.Reaction = [new F.AllergyIntolerance.ReactionComponent { Manifestation = [new F.CodeableConcept { Text = b.Reaction }] }];
        return a;
    }

    private static F.MedicationStatement MedicationStatement(RecordEntry e, Hist.Medication b)
    {
        var m = new F.MedicationStatement
        {
            Status = Withdrawn(e) ? F.MedicationStatement.MedicationStatusCodes.EnteredInError
                : Enum.Parse<F.MedicationStatement.MedicationStatusCodes>(b.Status.Replace("-", ""), ignoreCase: true),
            Medication = Concept(b.Drug),
            Subject = PatientReference(e.PatientKey),
            DateAssertedElement = new F.FhirDateTime(e.Created == default ? e.Recorded : e.Created),
        };
        if (b.Start.Length > 0 || b.End.Length > 0) m.Effective = Period(b.Start, b.End);
        if (b.Dosage.Length > 0) m.Dosage = [new F.Dosage { Text = b.Dosage }];
        return m;
    }

    private static F.Procedure PastProcedure(RecordEntry e, Hist.PastProcedure b)
    {
        var p = new F.Procedure
        {
            Status = Withdrawn(e) ? F.EventStatus.EnteredInError : F.EventStatus.Completed,
            Category = ProcedureKind(b.Type == "surgery" ? "past-surgery" : "past-hospitalisation"),
            Code = Concept(b.What),
            Subject = PatientReference(e.PatientKey),
            Note = Notes(b.Note),
        };
        if (b.On.Length > 0) p.Performed = new F.FhirDateTime(b.On);
        if (b.Place.Length > 0) p.Location = new F.ResourceReference { Display = b.Place };
        return p;
    }

    // ---- treatment ----

    /// <summary>Core's procedure states as Procedure.status: existing and completed → completed, planned → preparation, cancelled → not-done.</summary>
    public static F.EventStatus ProcedureStatus(string status) => status switch
    {
        "planned" => F.EventStatus.Preparation,
        "cancelled" => F.EventStatus.NotDone,
        _ => F.EventStatus.Completed,
    };

    private static F.Procedure Procedure(RecordEntry e, Treat.Procedure b)
    {
        var p = new F.Procedure
        {
            Status = Withdrawn(e) ? F.EventStatus.EnteredInError : ProcedureStatus(b.Status),
            // existing (found at examination, done elsewhere) and completed (done here) share "completed": the category tells them apart.
            Category = ProcedureKind(b.Status == "existing" ? "existing-work" : "dental-treatment"),
            Code = Concept(b.Code),
            Subject = PatientReference(e.PatientKey),
            Note = Notes(b.Note),
        };
        if (b.On.Length > 0) p.Performed = new F.FhirDateTime(b.On);
        if (b.Provider.Length > 0) p.Performer = [new F.Procedure.PerformerComponent { Actor = UserReference(b.Provider) }];
        if (b.Tooth.Length > 0) p.BodySite = [ToothCoding.ToBodySite(b.Tooth, b.Surfaces)];
        return p;
    }

    private static F.MedicationRequest MedicationRequest(RecordEntry e, Treat.Prescription b)
    {
        var dosage = new F.Dosage
        {
            Text = b.Dose,
            Timing = new F.Timing { Code = new F.CodeableConcept { Text = b.Frequency } },
            Route = new F.CodeableConcept(FhirSystems.Route, b.Route) { Text = b.Route },
        };
        var m = new F.MedicationRequest
        {
            Status = Withdrawn(e) ? F.MedicationRequest.MedicationrequestStatus.EnteredInError
                : Enum.Parse<F.MedicationRequest.MedicationrequestStatus>(b.Status, ignoreCase: true),
            Intent = F.MedicationRequest.MedicationRequestIntent.Order,
            Medication = Concept(b.Drug),
            Subject = PatientReference(e.PatientKey),
            AuthoredOnElement = new F.FhirDateTime(b.Written),
            Requester = UserReference(b.Prescriber),
            DosageInstruction = [dosage],
            Note = Notes(b.Note),
        };
        var dispense = new F.MedicationRequest.DispenseRequestComponent();
        if (b.DurationDays > 0)
            dispense.ExpectedSupplyDuration = new F.Duration { Value = b.DurationDays, Unit = "days", System = FhirSystems.Ucum, Code = "d" };
        if (b.Quantity.Length > 0)
        {
            if (QuantityOf(b.Quantity) is { } q) dispense.Quantity = q;
            else m.Note.Add(new F.Annotation { Text = QuantityNotePrefix + b.Quantity });
        }
        if (dispense.ExpectedSupplyDuration is not null || dispense.Quantity is not null) m.DispenseRequest = dispense;
        return m;
    }

    /// <summary>A quantity that is not "number [unit]" rides in a note with this prefix.</summary>
    internal const string QuantityNotePrefix = "Quantity: ";

    /// <summary>"20", "20 tablets", "2.5 ml" as a SimpleQuantity; null otherwise.</summary>
    internal static F.Quantity? QuantityOf(string text)
    {
        var parts = text.Trim().Split(' ', 2);
        if (!decimal.TryParse(parts[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 0) return null;
        return new F.Quantity { Value = value, Unit = parts.Length > 1 ? parts[1].Trim() : null };
    }

    // ---- notes ----

    private static F.Composition Composition(RecordEntry e, Notes.ClinicalNote b)
    {
        var c = new F.Composition
        {
            Status = Withdrawn(e) ? F.CompositionStatus.EnteredInError : b.IsSigned ? F.CompositionStatus.Final : F.CompositionStatus.Preliminary,
            Type = new F.CodeableConcept(FhirSystems.Loinc, "11506-3", "Progress note"),
            Subject = PatientReference(e.PatientKey),
            DateElement = new F.FhirDateTime(e.Recorded.ToUniversalTime()),
            Author = [UserReference(e.AuthorId)],
            Title = b.Title,
            Event = [new F.Composition.EventComponent { Period = new F.Period { StartElement = new F.FhirDateTime(b.On) } }],
            Section = [new F.Composition.SectionComponent { Title = b.Title, Text = Narrative(b.Text) }],
        };
        if (b.IsSigned)
            c.Attester = [new F.Composition.AttesterComponent
            {
                Mode = F.Composition.CompositionAttestationMode.Legal,
                TimeElement = new F.FhirDateTime(b.SignedAt!.Value.ToUniversalTime()),
                Party = UserReference(b.SignedBy),
            }];
        if (b.Appends.Length > 0)
            c.RelatesTo = [new F.Composition.RelatesToComponent { Code = F.DocumentRelationshipType.Appends, Target = new F.ResourceReference($"Composition/{b.Appends}") }];
        return c;
    }

    /// <summary>Text as XHTML: one paragraph per line, escaped.</summary>
    public static F.Narrative Narrative(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(l => l.Length == 0 ? "<p>\u00a0</p>" : $"<p>{WebUtility.HtmlEncode(l)}</p>");
        return new F.Narrative { Status = F.Narrative.NarrativeStatus.Additional, Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{string.Concat(lines)}</div>" };
    }

    // ---- documents ----

    private static F.DocumentReference DocumentReference(RecordEntry e, Docs.Document b)
    {
        var d = new F.DocumentReference
        {
            Status = Withdrawn(e) ? F.DocumentReferenceStatus.EnteredInError
                : b.Status == "superseded" ? F.DocumentReferenceStatus.Superseded : F.DocumentReferenceStatus.Current,
            Category = [new F.CodeableConcept(FhirSystems.RecordCategory, CategoryCode(b.Filed))],
            Subject = PatientReference(e.PatientKey),
            Date = e.Recorded.ToUniversalTime(),
            Description = b.Title,
            Content = [new F.DocumentReference.ContentComponent
            {
                Attachment = new F.Attachment
                {
                    // R4's unsignedInt: the Size property is R5's integer64, which Firely writes as a JSON string.
                    SizeElement = b.Size <= int.MaxValue ? new F.UnsignedInt((int)b.Size) : null,
                    ContentType = b.ContentType,
                    Title = b.Title,
                    CreationElement = new F.FhirDateTime(b.On),
                },
            }],
        };
        if (b.Tooth.Length > 0 || b.BodyPart.Length > 0)
        {
            var site = b.Tooth.Length > 0 ? ToothCoding.ToBodySite(b.Tooth) : new F.CodeableConcept();
            if (b.BodyPart.Length > 0) site.Text = b.BodyPart;
            d.Extension.Add(new F.Extension(FhirSystems.DocumentBodySiteExtension, site));
        }
        return d;
    }

    /// <summary>A record category as a code: "treatment-records" …</summary>
    public static string CategoryCode(Core.Access.RecordCategory category) => category switch
    {
        Core.Access.RecordCategory.Demographics => "demographics",
        Core.Access.RecordCategory.InsuranceBilling => "insurance-billing",
        Core.Access.RecordCategory.MedicalHistory => "medical-history",
        Core.Access.RecordCategory.ClinicalNotes => "clinical-notes",
        Core.Access.RecordCategory.TreatmentRecords => "treatment-records",
        Core.Access.RecordCategory.Imaging => "imaging",
        Core.Access.RecordCategory.LabReports => "lab-reports",
        Core.Access.RecordCategory.Referrals => "referrals",
        Core.Access.RecordCategory.Audit => "audit",
        _ => "settings",
    };

    // ---- lab cases and referrals ----

    private static F.ServiceRequest LabServiceRequest(RecordEntry e, Labs.LabCase b)
    {
        var s = new F.ServiceRequest
        {
            Status = Withdrawn(e) ? F.RequestStatus.EnteredInError : b.Status switch
            {
                "draft" => F.RequestStatus.Draft,
                "checked" => F.RequestStatus.Completed,
                "cancelled" => F.RequestStatus.Revoked,
                _ => F.RequestStatus.Active,
            },
            Intent = F.RequestIntent.Order,
            Category = [new F.CodeableConcept(FhirSystems.OrderKind, "lab-case", "Dental laboratory case")],
            Code = new F.CodeableConcept { Text = "Dental laboratory work" },
            Subject = PatientReference(e.PatientKey),
            AuthoredOnElement = new F.FhirDateTime((e.Created == default ? e.Recorded : e.Created).ToUniversalTime()),
            Requester = UserReference(e.AuthorId),
            Performer = [new F.ResourceReference { Display = b.Lab }],
            Note = [new F.Annotation { Text = b.Specification }],
            SupportingInfo = [.. b.Attachments.Select(AttachmentReference)],
            BodySite = [.. b.TeethCovered.Select(t => ToothCoding.ToBodySite(t))],
        };
        if (b.Shade.Length > 0) s.OrderDetail = [new F.CodeableConcept { Text = ShadePrefix + b.Shade }];
        if (b.Due.Length > 0) s.Occurrence = new F.FhirDateTime(b.Due);
        return s;
    }

    internal const string ShadePrefix = "Shade ";

    private static F.ServiceRequest ReferralServiceRequest(RecordEntry e, Refs.Referral b)
    {
        var s = new F.ServiceRequest
        {
            Status = Withdrawn(e) ? F.RequestStatus.EnteredInError : b.Status switch
            {
                "draft" => F.RequestStatus.Draft,
                "report-received" => F.RequestStatus.Completed,
                "cancelled" => F.RequestStatus.Revoked,
                _ => F.RequestStatus.Active,
            },
            Intent = F.RequestIntent.Order,
            Category = [new F.CodeableConcept(FhirSystems.OrderKind, "referral", "Referral")],
            Code = new F.CodeableConcept { Text = "Referral" },
            Subject = PatientReference(e.PatientKey),
            AuthoredOnElement = new F.FhirDateTime(b.On),
            Requester = UserReference(e.AuthorId),
            Performer = [new F.ResourceReference { Display = b.To }],
            Note = [new F.Annotation { Text = b.Summary }],
            SupportingInfo = [.. b.Attachments.Select(AttachmentReference)],
        };
        if (b.Specialty.Length > 0) s.PerformerType = new F.CodeableConcept { Text = b.Specialty };
        return s;
    }

    /// <summary>An attachment id: a DICOM instance UID (digits and dots) or a document entry id.</summary>
    public static F.ResourceReference AttachmentReference(string id) =>
        IsUid(id) ? new F.ResourceReference { Identifier = new F.Identifier(FhirSystems.DicomUid, "urn:oid:" + id), Display = "DICOM instance" }
            : new F.ResourceReference($"DocumentReference/{id}");

    internal static bool IsUid(string id) => id.Length > 0 && id.All(ch => char.IsAsciiDigit(ch) || ch == '.') && id.Contains('.');

    /// <summary>The Task that tracks a lab case or a referral through its trail; its id is the entry id, its focus the ServiceRequest.</summary>
    public static F.Task ToTask(RecordEntry entry)
    {
        var (state, owner, output, due) = entry.Body switch
        {
            Labs.LabCase l => (l.Status, l.Lab, l.Report, l.Due),
            Refs.Referral r => (r.Status, r.To, r.Reply, ""),
            _ => throw new ArgumentOutOfRangeException(nameof(entry), entry.Kind.Name, "only lab cases and referrals have a Task"),
        };
        var request = new F.ResourceReference($"ServiceRequest/{entry.Id}");
        var t = new F.Task
        {
            Status = Withdrawn(entry) ? F.Task.TaskStatus.EnteredInError : state switch
            {
                "draft" => F.Task.TaskStatus.Draft,
                "sent" => F.Task.TaskStatus.Requested,
                "received" => F.Task.TaskStatus.Received,
                "accepted" => F.Task.TaskStatus.Accepted,
                "seen" => F.Task.TaskStatus.InProgress,
                "cancelled" => F.Task.TaskStatus.Cancelled,
                _ => F.Task.TaskStatus.Completed, // returned, checked, report-received
            },
            BusinessStatus = new F.CodeableConcept(FhirSystems.WorkflowState, state),
            Intent = F.Task.TaskIntent.Order,
            BasedOn = [request],
            Focus = new F.ResourceReference($"ServiceRequest/{entry.Id}"),
            For = PatientReference(entry.PatientKey),
            AuthoredOnElement = new F.FhirDateTime((entry.Created == default ? entry.Recorded : entry.Created).ToUniversalTime()),
            LastModifiedElement = new F.FhirDateTime(entry.Recorded.ToUniversalTime()),
            Requester = UserReference(entry.AuthorId),
            Owner = new F.ResourceReference { Display = owner },
        };
        if (due.Length > 0) t.Restriction = new F.Task.RestrictionComponent { Period = new F.Period { EndElement = new F.FhirDateTime(due) } };
        if (output.Length > 0)
            t.Output = [new F.Task.OutputComponent
            {
                Type = new F.CodeableConcept { Text = entry.Body is Labs.LabCase ? "Lab report" : "Reply report" },
                Value = new F.ResourceReference($"DocumentReference/{output}"),
            }];
        Stamp(t, entry);
        return t;
    }

    /// <summary>
    /// A lab case's report as a DiagnosticReport (null while the lab has sent none): same id as the case, based on its
    /// ServiceRequest, the lab as performer; the report itself is the document entry, named by presentedForm.url
    /// (DocumentReference/{id}: R4's DiagnosticReport has no reference to a DocumentReference).
    /// </summary>
    public static F.DiagnosticReport? ToDiagnosticReport(RecordEntry entry)
    {
        if (entry.Body is not Labs.LabCase { Report.Length: > 0 } lab) return null;
        var r = new F.DiagnosticReport
        {
            Status = Withdrawn(entry) ? F.DiagnosticReport.DiagnosticReportStatus.EnteredInError
                : lab.Status == "cancelled" ? F.DiagnosticReport.DiagnosticReportStatus.Cancelled : F.DiagnosticReport.DiagnosticReportStatus.Final,
            BasedOn = [new F.ResourceReference($"ServiceRequest/{entry.Id}")],
            Code = new F.CodeableConcept { Text = "Dental laboratory report" },
            Subject = PatientReference(entry.PatientKey),
            Issued = entry.Recorded.ToUniversalTime(),
            Performer = [new F.ResourceReference { Display = lab.Lab }],
            PresentedForm = [new F.Attachment { Url = $"DocumentReference/{lab.Report}", Title = "Lab report" }],
        };
        Stamp(r, entry);
        return r;
    }

    // ---- shared ----

    /// <summary>A Core coding as a CodeableConcept: the coding when it has a code, the text a person typed otherwise.</summary>
    public static F.CodeableConcept Concept(Coding c)
    {
        var cc = new F.CodeableConcept();
        if (c.Code.Length > 0) cc.Coding.Add(new F.Coding(c.System, c.Code, c.Display.Length > 0 ? c.Display : null));
        if (c.Display.Length > 0) cc.Text = c.Display;
        return cc;
    }

    private static F.CodeableConcept ProcedureKind(string code) => new(FhirSystems.ProcedureKind, code);

    private static List<F.Annotation> Notes(string note) => note.Length == 0 ? [] : [new F.Annotation { Text = note }];

    private static F.Period Period(string start, string end)
    {
        var p = new F.Period();
        if (start.Length > 0) p.StartElement = new F.FhirDateTime(start);
        if (end.Length > 0) p.EndElement = new F.FhirDateTime(end);
        return p;
    }
}
