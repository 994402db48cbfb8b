using System.Globalization;
using Enamel.Core.Records;
using F = Hl7.Fhir.Model;

namespace Enamel.Fhir.Mapping;

/// <summary>
/// The Bundles the endpoint answers with: a searchset page (matches, then _include'd resources, total, and self /
/// first / previous / next links that carry the query and _count/_offset), and a history (one entry per version,
/// newest first, each with its request and response as R4's bdl-3/bdl-4 ask). Absolute fullUrls under the base.
/// </summary>
public static class FhirBundles
{
    /// <summary>One page of a search.</summary>
    /// <param name="baseUrl">The FHIR base ("https://host/fhir").</param>
    /// <param name="type">The resource type searched.</param>
    /// <param name="query">The search's parameters as the client gave them, without _count and _offset (kept in order).</param>
    /// <param name="matches">This page's matches.</param>
    /// <param name="included">Resources brought by _include (the patient), each once.</param>
    /// <param name="total">How many match in all.</param>
    /// <param name="offset">How many matches came before this page.</param>
    /// <param name="count">The page size asked for.</param>
    public static F.Bundle SearchSet(string baseUrl, string type, IReadOnlyList<KeyValuePair<string, string>> query, IReadOnlyList<F.Resource> matches,
        IReadOnlyList<F.Resource> included, int total, int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var root = baseUrl.TrimEnd('/');
        var bundle = new F.Bundle
        {
            Type = F.Bundle.BundleType.Searchset,
            Total = total,
            Meta = new F.Meta { LastUpdated = DateTimeOffset.UtcNow },
        };
        bundle.Link.Add(Link("self", root, type, query, offset, count));
        bundle.Link.Add(Link("first", root, type, query, 0, count));
        if (offset > 0) bundle.Link.Add(Link("previous", root, type, query, Math.Max(0, offset - count), count));
        if (offset + matches.Count < total) bundle.Link.Add(Link("next", root, type, query, offset + matches.Count, count));
        foreach (var r in matches) bundle.Entry.Add(Entry(root, r, F.Bundle.SearchEntryMode.Match));
        foreach (var r in included) bundle.Entry.Add(Entry(root, r, F.Bundle.SearchEntryMode.Include));
        return bundle;
    }

    /// <summary>A history Bundle of resources given oldest first (as the store lists versions); written newest first.</summary>
    public static F.Bundle History(string baseUrl, IReadOnlyList<F.Resource> versionsOldestFirst)
    {
        var root = baseUrl.TrimEnd('/');
        var bundle = new F.Bundle { Type = F.Bundle.BundleType.History, Total = versionsOldestFirst.Count };
        foreach (var r in versionsOldestFirst.Reverse())
        {
            var version = r.Meta?.VersionId ?? "1";
            var created = version == "1";
            bundle.Entry.Add(new F.Bundle.EntryComponent
            {
                FullUrl = $"{root}/{r.TypeName}/{r.Id}",
                Resource = r,
                Request = new F.Bundle.RequestComponent
                {
                    Method = created ? F.Bundle.HTTPVerb.POST : F.Bundle.HTTPVerb.PUT,
                    Url = created ? r.TypeName : $"{r.TypeName}/{r.Id}",
                },
                Response = new F.Bundle.ResponseComponent
                {
                    Status = created ? "201 Created" : "200 OK",
                    Etag = $"W/\"{version}\"",
                    LastModified = r.Meta?.LastUpdated,
                    Location = $"{r.TypeName}/{r.Id}/_history/{version}",
                },
            });
        }
        return bundle;
    }

    /// <summary>An entry's history (every version as its resource; a lab case or referral as its ServiceRequest, or its Task).</summary>
    public static F.Bundle EntryHistory(string baseUrl, IReadOnlyList<RecordEntry> versionsOldestFirst, bool task = false) =>
        History(baseUrl, [.. versionsOldestFirst.Select(v => task ? EntryMapping.ToTask(v) : EntryMapping.ToResource(v))]);

    /// <summary>
    /// Composition/$document: a document Bundle of the note and its patient (the Composition first, as bdl-11 asks);
    /// its identifier is stable per note version (a name-based urn:uuid), its timestamp the version's time.
    /// </summary>
    public static F.Bundle Document(string baseUrl, F.Composition composition, F.Patient patient)
    {
        var root = baseUrl.TrimEnd('/');
        return new F.Bundle
        {
            Type = F.Bundle.BundleType.Document,
            Identifier = new F.Identifier("urn:ietf:rfc:3986", NameUuid($"enamel-document/{composition.Id}/{composition.Meta?.VersionId}")),
            Timestamp = composition.Meta?.LastUpdated ?? DateTimeOffset.UtcNow,
            Entry =
            [
                new F.Bundle.EntryComponent { FullUrl = $"{root}/Composition/{composition.Id}", Resource = composition },
                new F.Bundle.EntryComponent { FullUrl = $"{root}/Patient/{patient.Id}", Resource = patient },
            ],
        };
    }

    /// <summary>Patient/$everything: a searchset of the patient and the entries the caller may read (the policy chose them).</summary>
    public static F.Bundle Everything(string baseUrl, F.Patient patient, IReadOnlyList<F.Resource> resources)
    {
        var root = baseUrl.TrimEnd('/');
        var bundle = new F.Bundle { Type = F.Bundle.BundleType.Searchset, Total = resources.Count + 1 };
        bundle.Link.Add(new F.Bundle.LinkComponent { RelationElement = new F.FhirString("self"), Url = $"{root}/Patient/{patient.Id}/$everything" });
        bundle.Entry.Add(Entry(root, patient, F.Bundle.SearchEntryMode.Match));
        foreach (var r in resources) bundle.Entry.Add(Entry(root, r, F.Bundle.SearchEntryMode.Match));
        return bundle;
    }

    /// <summary>RFC 9562 §5.5 (name-based, SHA-1).</summary>
    private static string NameUuid(string name)
    {
        Span<byte> hash = stackalloc byte[20];
        System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(name), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return "urn:uuid:" + new Guid(hash[..16], bigEndian: true).ToString("D");
    }

    private static F.Bundle.EntryComponent Entry(string root, F.Resource r, F.Bundle.SearchEntryMode mode) => new()
    {
        FullUrl = $"{root}/{r.TypeName}/{r.Id}",
        Resource = r,
        Search = new F.Bundle.SearchComponent { Mode = mode },
    };

    private static F.Bundle.LinkComponent Link(string relation, string root, string type, IReadOnlyList<KeyValuePair<string, string>> query, int offset, int count)
    {
        var parts = query.Where(p => p.Key is not ("_count" or "_offset"))
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")
            .Append("_count=" + count.ToString(CultureInfo.InvariantCulture))
            .Append("_offset=" + offset.ToString(CultureInfo.InvariantCulture));
        // R4 types relation as string (the SDK's Relation property is R5's code).
        return new F.Bundle.LinkComponent { RelationElement = new F.FhirString(relation), Url = $"{root}/{type}?{string.Join("&", parts)}" };
    }
}
