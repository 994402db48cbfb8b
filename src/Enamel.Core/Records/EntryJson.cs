using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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
            // Computed properties (Kind, Category, State, Date, Codes, IsSigned, IsEmpty …) are not data: neither written nor read.
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropComputed } },
        };
        o.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        o.MakeReadOnly();
        return o;
    }

    private static void DropComputed(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        for (int i = info.Properties.Count - 1; i >= 0; i--)
            if (info.Properties[i].Set is null && info.Properties[i].AssociatedParameter is null) info.Properties.RemoveAt(i);
    }

    public static string Serialize(EntryBody body) => JsonSerializer.Serialize(body, Options);

    /// <summary>A body from JSON; <see cref="JsonException"/> (with the path) when it is not one.</summary>
    public static EntryBody? Deserialize(string json) => JsonSerializer.Deserialize<EntryBody>(json, Options);
}
