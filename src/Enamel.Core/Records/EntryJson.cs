using System.Text.Json;
using System.Text.Json.Serialization;

namespace Enamel.Core.Records;

/// <summary>
/// How entry bodies are written as JSON, sealed at rest and over the JSON API alike: web (camelCase) names, enums as
/// their names, the "kind" discriminator anywhere in the object, and every constructor parameter without a default
/// required and non-null (a body with a missing or null field is refused, not stored half-filled).
/// </summary>
public static class EntryJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            AllowOutOfOrderMetadataProperties = true,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            MaxDepth = 16,
        };
        o.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    public static string Serialize(EntryBody body) => JsonSerializer.Serialize(body, Options);

    /// <summary>A body from JSON; <see cref="JsonException"/> (with the path) when it is not one.</summary>
    public static EntryBody? Deserialize(string json) => JsonSerializer.Deserialize<EntryBody>(json, Options);
}
