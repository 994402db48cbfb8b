using System.Globalization;
using System.Text;
using System.Xml;

namespace Enamel.Core.Audit;

/// <summary>
/// Writes an audit entry as a DICOM PS3.15 A.5 / IHE ATNA AuditMessage (XML), the payload sent to an audit record
/// repository over syslog. One line, no indentation.
/// </summary>
public static class AtnaAuditMessageWriter
{
    public static string ToXml(AuditRecord record, string auditSourceId)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true, Indent = false }))
            Write(w, record, auditSourceId);
        return sb.ToString();
    }

    public static void Write(XmlWriter w, AuditRecord record, string auditSourceId)
    {
        var e = record.Event;
        var (eventCode, eventDisplay) = AuditCoding.EventId(e.Action);
        w.WriteStartElement("AuditMessage");

        w.WriteStartElement("EventIdentification");
        w.WriteAttributeString("EventActionCode", AuditCoding.ActionCode(e.Action));
        w.WriteAttributeString("EventDateTime", AuditChain.FormatTime(e.Time));
        w.WriteAttributeString("EventOutcomeIndicator", AuditCoding.OutcomeCode(e.Outcome));
        if (e.Detail.Length > 0) w.WriteAttributeString("EventOutcomeDescription", e.Detail);
        Code(w, "EventID", eventCode, "DCM", eventDisplay);
        Code(w, "EventTypeCode", e.Action.Text, "urn:enamel:audit-action", e.Action.Text);
        if (e.Purpose.Length > 0) Code(w, "PurposeOfUse", e.Purpose, "2.16.840.1.113883.5.8", e.Purpose);
        w.WriteEndElement();

        w.WriteStartElement("ActiveParticipant");
        w.WriteAttributeString("UserID", e.ActorId);
        w.WriteAttributeString("UserIsRequestor", "true");
        if (e.Source.Length > 0)
        {
            w.WriteAttributeString("NetworkAccessPointID", e.Source);
            w.WriteAttributeString("NetworkAccessPointTypeCode", AuditCoding.NetworkType(e.Source));
        }
        if (e.ActorRole.Length > 0) Code(w, "RoleIDCode", e.ActorRole, "urn:enamel:role", e.ActorRole);
        w.WriteEndElement();

        w.WriteStartElement("AuditSourceIdentification");
        w.WriteAttributeString("AuditSourceID", auditSourceId);
        Code(w, "AuditSourceTypeCode", "4", "DCM", "Application Server Process");
        w.WriteEndElement();

        if (e.PatientKey is { } patient)
        {
            w.WriteStartElement("ParticipantObjectIdentification");
            w.WriteAttributeString("ParticipantObjectID", patient.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("ParticipantObjectTypeCode", "1");
            w.WriteAttributeString("ParticipantObjectTypeCodeRole", "1");
            Code(w, "ParticipantObjectIDTypeCode", "2", "RFC-3881", "Patient Number");
            w.WriteEndElement();
        }
        if (e.Object.Text.Length > 0)
        {
            var (id, code, system, display) = AuditCoding.ObjectId(e.Object);
            w.WriteStartElement("ParticipantObjectIdentification");
            w.WriteAttributeString("ParticipantObjectID", id);
            w.WriteAttributeString("ParticipantObjectTypeCode", "2");
            w.WriteAttributeString("ParticipantObjectTypeCodeRole", "4");
            Code(w, "ParticipantObjectIDTypeCode", code, system, display);
            if (id != e.Object.Text) w.WriteElementString("ParticipantObjectName", e.Object.Text);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static void Code(XmlWriter w, string element, string code, string system, string text)
    {
        w.WriteStartElement(element);
        w.WriteAttributeString("csd-code", code);
        w.WriteAttributeString("codeSystemName", system);
        w.WriteAttributeString("originalText", text);
        w.WriteEndElement();
    }
}
