namespace Enamel.Core.Keys;

/// <summary>
/// Per-patient data keys wrapped by the master key. Destroying a data key makes every blob encrypted under it
/// unreadable, backups included (disposal by key destruction).
/// </summary>
public interface IKeyring
{
    /// <summary>Creates a new random data key and stores it wrapped; returns its id.</summary>
    Task<DataKeyId> CreateDataKeyAsync(CancellationToken ct);

    /// <summary>The unwrapped 256-bit data key. Throws <see cref="KeyDestroyedException"/> after destruction.</summary>
    Task<byte[]> UnwrapAsync(DataKeyId id, CancellationToken ct);

    /// <summary>Erases the wrapped key for good.</summary>
    Task DestroyAsync(DataKeyId id, CancellationToken ct);
}

public readonly record struct DataKeyId(Guid Value)
{
    public static DataKeyId New() => new(Guid.NewGuid());
    public override string ToString() => Value.ToString("N");
}

public sealed class KeyDestroyedException(DataKeyId id) : Errors.EnamelException($"data key {id} has been destroyed; data encrypted under it is unrecoverable")
{
    public DataKeyId KeyId { get; } = id;
    public override Errors.ErrorKind Kind => Errors.ErrorKind.Gone;
    public override string Code => "key-destroyed";
}
