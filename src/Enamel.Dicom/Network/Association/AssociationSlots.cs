using System.Net;

namespace Enamel.Dicom.Network;

/// <summary>
/// The listener's association budget, decided at A-ASSOCIATE-RQ when the calling AE title is known: a total, a share
/// for calling AEs the listener does not know (so they can never take the room of known ones), and limits per calling
/// AE title and per remote address. A taken slot is given back by disposing it.
/// </summary>
internal sealed class AssociationSlots(DicomListenerOptions o)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, int> byAe = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, int> byAddress = [];
    private int total;
    private int unknown;

    /// <summary>Associations holding a slot.</summary>
    public int Active { get { lock (gate) return total; } }

    public bool IsKnown(string callingAe) => o.IsKnownCallingAe?.Invoke(callingAe) ?? true;

    /// <summary>Takes a slot, or says which limit refuses one (and the A-ASSOCIATE-RJ for it).</summary>
    public (Slot? Slot, AssociateReject? Reject, string Why) TryTake(string callingAe, EndPoint? remote)
    {
        bool known = IsKnown(callingAe);
        var address = (remote as IPEndPoint)?.Address is { } a ? (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a) : null;
        if (!known && o.MaxUnknownAeAssociations == 0)
            return (null, AssociateReject.CallingAeNotRecognized, "calling AE title not known here (no associations for unknown AEs)");
        lock (gate)
        {
            if (total >= o.MaxAssociations)
                return Refuse($"limit of {o.MaxAssociations} associations reached");
            if (!known && o.MaxUnknownAeAssociations is { } share && unknown >= share)
                return Refuse($"limit of {share} associations for unknown calling AEs reached");
            if (o.MaxAssociationsPerCallingAe is { } perAe && byAe.GetValueOrDefault(callingAe) >= perAe)
                return Refuse($"limit of {perAe} associations per calling AE reached");
            if (address is not null && o.MaxAssociationsPerAddress is { } perAddress && byAddress.GetValueOrDefault(address) >= perAddress)
                return Refuse($"limit of {perAddress} associations per address reached");
            total++;
            if (!known) unknown++;
            byAe[callingAe] = byAe.GetValueOrDefault(callingAe) + 1;
            if (address is not null) byAddress[address] = byAddress.GetValueOrDefault(address) + 1;
            return (new Slot(this, callingAe, address, known), null, "");
        }
    }

    private static (Slot?, AssociateReject?, string) Refuse(string why) => (null, AssociateReject.LocalLimitExceeded, why);

    private void Give(Slot s)
    {
        lock (gate)
        {
            total--;
            if (!s.Known) unknown--;
            Decrement(byAe, s.CallingAe);
            if (s.Address is not null) Decrement(byAddress, s.Address);
        }
    }

    private static void Decrement<TKey>(Dictionary<TKey, int> counts, TKey key) where TKey : notnull
    {
        if (counts.TryGetValue(key, out int n) && n > 1) counts[key] = n - 1;
        else counts.Remove(key);
    }

    /// <summary>One association's place in the budget; disposing gives it back (once).</summary>
    public sealed class Slot(AssociationSlots owner, string callingAe, IPAddress? address, bool known) : IDisposable
    {
        private int given;
        public string CallingAe { get; } = callingAe;
        public IPAddress? Address { get; } = address;
        public bool Known { get; } = known;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref given, 1) == 0) owner.Give(this);
        }
    }
}
