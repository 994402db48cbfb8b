namespace Enamel.Core.Records;

/// <summary>
/// Finds whose an item is, for one <see cref="RecordKind"/>: the edges (the HTTP gate, DIMSE, the CLI) ask the resolver
/// of the kind a route names instead of knowing table or route names. Null: no such item.
/// </summary>
public interface IRecordOwnerResolver
{
    RecordKind Kind { get; }

    Task<RecordOwner?> ResolveAsync(string id, CancellationToken ct);
}

/// <summary>The resolvers by kind; one per kind, registered by the domain that owns the kind.</summary>
public sealed class RecordOwners(IEnumerable<IRecordOwnerResolver> resolvers)
{
    private readonly Dictionary<RecordKind, IRecordOwnerResolver> byKind = resolvers.ToDictionary(r => r.Kind);

    public Task<RecordOwner?> ResolveAsync(RecordKind kind, string id, CancellationToken ct) =>
        byKind.TryGetValue(kind, out var resolver) ? resolver.ResolveAsync(id, ct)
            : throw new InvalidOperationException($"no owner resolver is registered for record kind '{kind}'");

    public bool Knows(RecordKind kind) => byKind.ContainsKey(kind);

    /// <summary>The resolver registered for <paramref name="kind"/>.</summary>
    public IRecordOwnerResolver ResolverOf(RecordKind kind) => byKind.TryGetValue(kind, out var resolver) ? resolver
        : throw new InvalidOperationException($"no owner resolver is registered for record kind '{kind}'");
}
