using System.Text;
using System.Xml;
using Enamel.Fhir.Mapping;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace Enamel.Fhir;

/// <summary>
/// FHIR's two wire formats with Firely's serializers: JSON (application/fhir+json, application/json) and XML
/// (application/fhir+xml, _format=xml). Reading is strict either way: an unknown element or a bad value is a
/// <see cref="FhirInputException"/> naming the element. XML is read without DTDs or external entities.
/// </summary>
public static class FhirFormat
{
    private static readonly BaseFhirJsonSerializer Json = new(ModelInfo.ModelInspector);
    private static readonly BaseFhirXmlSerializer Xml = new(ModelInfo.ModelInspector);
    private static readonly FhirXmlDeserializer StrictXml = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    public static string ToJson(Base resource) => Json.SerializeToString(resource);

    public static string ToXml(Base resource)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true, Encoding = Encoding.UTF8 }))
            Xml.Serialize(resource, w);
        return sb.ToString();
    }

    public static Resource Parse(string body, bool xml) => xml ? ParseXml(body) : EntryParsing.ParseJson(body);

    public static Resource ParseXml(string xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            if (StrictXml.TryDeserializeResource(reader, out var resource, out var issues) && resource is not null) return resource;
            var first = issues?.FirstOrDefault();
            var where = first is ExtendedCodedException x && !string.IsNullOrEmpty(x.InstancePath) ? x.InstancePath : "resource";
            throw new FhirInputException(where, first?.Message ?? "not a FHIR XML resource");
        }
        catch (XmlException e)
        {
            throw new FhirInputException("resource", "not well-formed XML: " + e.Message);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
        {
            throw new FhirInputException("resource", "not a FHIR XML resource: " + e.Message);
        }
    }
}
