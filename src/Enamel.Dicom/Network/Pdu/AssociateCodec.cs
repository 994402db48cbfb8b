using System.Text;

namespace Enamel.Dicom.Network;

/// <summary>Encodes and parses A-ASSOCIATE-RQ and A-ASSOCIATE-AC bodies.</summary>
internal static class AssociateCodec
{
    private const byte ApplicationContextItem = 0x10, PcRequestItem = 0x20, PcAcceptItem = 0x21;
    private const byte AbstractSyntaxItem = 0x30, TransferSyntaxItem = 0x40, UserInfoItem = 0x50;
    private const byte MaxLengthItem = 0x51, ImplClassItem = 0x52, AsyncOpsItem = 0x53, RoleItem = 0x54;
    private const byte ImplVersionItem = 0x55, UserIdentityRqItem = 0x58, UserIdentityAcItem = 0x59;

    public static byte[] Encode(AssociateRequest a)
    {
        var b = new PduBuilder();
        int pdu = b.BeginPdu(a.IsAccept ? PduType.AssociateAccept : PduType.AssociateRequest);
        b.U16(1);          // protocol version
        b.Zeros(2);
        b.AeTitle(a.CalledAeTitle);
        b.AeTitle(a.CallingAeTitle);
        b.Zeros(32);
        b.StringItem(ApplicationContextItem, a.ApplicationContext);
        foreach (var pc in a.PresentationContexts)
        {
            int m = b.BeginItem(a.IsAccept ? PcAcceptItem : PcRequestItem);
            b.U8(pc.Id);
            b.U8(0);
            b.U8(a.IsAccept ? (byte)pc.Result : (byte)0);
            b.U8(0);
            if (!a.IsAccept) b.StringItem(AbstractSyntaxItem, pc.AbstractSyntax);
            if (a.IsAccept)
                b.StringItem(TransferSyntaxItem, pc.Result == PresentationContextResult.Acceptance ? pc.TransferSyntaxes[0] : "");
            else
                foreach (var ts in pc.TransferSyntaxes) b.StringItem(TransferSyntaxItem, ts);
            b.EndItem(m);
        }
        EncodeUserInfo(b, a.UserInformation, a.IsAccept);
        b.EndPdu(pdu);
        return b.Memory.ToArray();
    }

    private static void EncodeUserInfo(PduBuilder b, UserInformation u, bool accept)
    {
        int m = b.BeginItem(UserInfoItem);
        int i = b.BeginItem(MaxLengthItem);
        b.U32(u.MaxPduLength);
        b.EndItem(i);
        b.StringItem(ImplClassItem, u.ImplementationClassUid);
        if (u.AsyncOperations is { } ops)
        {
            i = b.BeginItem(AsyncOpsItem);
            b.U16(ops.Invoked);
            b.U16(ops.Performed);
            b.EndItem(i);
        }
        foreach (var r in u.RoleSelections)
        {
            i = b.BeginItem(RoleItem);
            var uid = Encoding.ASCII.GetBytes(r.SopClassUid);
            b.U16((ushort)uid.Length);
            b.Bytes(uid);
            b.U8(r.ScuRole ? (byte)1 : (byte)0);
            b.U8(r.ScpRole ? (byte)1 : (byte)0);
            b.EndItem(i);
        }
        if (u.ImplementationVersionName is { Length: > 0 } v) b.StringItem(ImplVersionItem, v);
        if (!accept && u.UserIdentity is { } id)
        {
            i = b.BeginItem(UserIdentityRqItem);
            b.U8(id.Type);
            b.U8(id.PositiveResponseRequested ? (byte)1 : (byte)0);
            var p = Encoding.UTF8.GetBytes(id.PrimaryField);
            var s = Encoding.UTF8.GetBytes(id.SecondaryField);
            b.U16((ushort)p.Length);
            b.Bytes(p);
            b.U16((ushort)s.Length);
            b.Bytes(s);
            b.EndItem(i);
        }
        if (accept && u.UserIdentityResponse is { } resp)
        {
            i = b.BeginItem(UserIdentityAcItem);
            b.U16((ushort)resp.Length);
            b.Bytes(resp);
            b.EndItem(i);
        }
        b.EndItem(m);
    }

    /*  A-ASSOCIATE-RQ / -AC body, PS3.8 9.3.2 and 9.3.3 (offsets after the 6-byte PDU header):
        +------------------+------------+------------------+------------------+-------------+-----------------
        | 0-1 protocol ver | 2-3 reserv | 4-19 called AE   | 20-35 calling AE | 36-67 reserv| 68- variable items
        +------------------+------------+------------------+------------------+-------------+-----------------
        variable item: | 1 type | 1 reserved | 2 length | value |
          0x10 application context name; 0x20 (RQ) / 0x21 (AC) presentation context:
             | 1 pc id | 1 reserved | 1 result (AC) | 1 reserved | sub-items 0x30 abstract syntax, 0x40 transfer syntax |
          0x50 user information: sub-items 0x51 max length (4), 0x52 implementation class UID, 0x53 async ops
             (2 invoked, 2 performed), 0x54 role selection (2 uid-length, uid, 1 SCU, 1 SCP), 0x55 version name,
             0x58 user identity RQ (1 type, 1 pos-resp, 2 len, primary, 2 len, secondary), 0x59 user identity AC (2 len, resp) */
    public static AssociateRequest Parse(ReadOnlySpan<byte> body, bool isAccept)
    {
        var r = new PduSpanReader(body);
        ushort version = r.U16("protocol version");
        if ((version & 1) == 0) throw new DicomNetworkException($"unsupported protocol version 0x{version:X4}");
        r.Take(2, "reserved");
        var a = new AssociateRequest { IsAccept = isAccept };
        a.CalledAeTitle = r.Ascii(16, "called AE title");
        a.CallingAeTitle = r.Ascii(16, "calling AE title");
        r.Take(32, "reserved");
        bool sawUserInfo = false;
        while (r.Remaining > 0)
        {
            byte type = r.U8("item type");
            r.U8("reserved");
            ushort len = r.U16("item length");
            var value = r.Take(len, $"item 0x{type:X2}");
            switch (type)
            {
                case ApplicationContextItem:
                    a.ApplicationContext = Uid(value);
                    break;
                case PcRequestItem when !isAccept:
                case PcAcceptItem when isAccept:
                    a.PresentationContexts.Add(ParseContext(value, isAccept));
                    break;
                case UserInfoItem:
                    a.UserInformation = ParseUserInfo(value);
                    sawUserInfo = true;
                    break;
                default:
                    throw new DicomNetworkException($"malformed PDU: unexpected item 0x{type:X2} in A-ASSOCIATE-{(isAccept ? "AC" : "RQ")}");
            }
        }
        if (!sawUserInfo) throw new DicomNetworkException("malformed PDU: A-ASSOCIATE without User Information item");
        return a;
    }

    private static string Uid(ReadOnlySpan<byte> v) => Encoding.ASCII.GetString(v).TrimEnd('\0', ' ');

    private static PresentationContext ParseContext(ReadOnlySpan<byte> value, bool isAccept)
    {
        var r = new PduSpanReader(value);
        byte id = r.U8("presentation context id");
        r.U8("reserved");
        byte result = r.U8("result");
        r.U8("reserved");
        string abstractSyntax = "";
        var syntaxes = new List<string>();
        while (r.Remaining > 0)
        {
            byte type = r.U8("sub-item type");
            r.U8("reserved");
            ushort len = r.U16("sub-item length");
            var v = r.Take(len, $"sub-item 0x{type:X2}");
            if (type == AbstractSyntaxItem) abstractSyntax = Uid(v);
            else if (type == TransferSyntaxItem) { if (len > 0) syntaxes.Add(Uid(v)); }
            else throw new DicomNetworkException($"malformed PDU: unexpected sub-item 0x{type:X2} in presentation context {id}");
        }
        if ((id & 1) == 0) throw new DicomNetworkException($"malformed PDU: presentation context id {id} is even");
        if (!isAccept && (abstractSyntax.Length == 0 || syntaxes.Count == 0))
            throw new DicomNetworkException($"malformed PDU: presentation context {id} lacks an abstract or transfer syntax");
        var pc = new PresentationContext(id, abstractSyntax, syntaxes);
        if (isAccept) pc.Result = (PresentationContextResult)result;
        return pc;
    }

    private static UserInformation ParseUserInfo(ReadOnlySpan<byte> value)
    {
        var u = new UserInformation { ImplementationClassUid = "", ImplementationVersionName = null, MaxPduLength = 0 };
        var r = new PduSpanReader(value);
        while (r.Remaining > 0)
        {
            byte type = r.U8("user info sub-item type");
            r.U8("reserved");
            ushort len = r.U16("user info sub-item length");
            var v = new PduSpanReader(r.Take(len, $"user info sub-item 0x{type:X2}"));
            switch (type)
            {
                case MaxLengthItem: u.MaxPduLength = v.U32("maximum length"); break;
                case ImplClassItem: u.ImplementationClassUid = Uid(v.Take(len, "implementation class uid")); break;
                case ImplVersionItem: u.ImplementationVersionName = Uid(v.Take(len, "implementation version name")); break;
                case AsyncOpsItem: u.AsyncOperations = (v.U16("max ops invoked"), v.U16("max ops performed")); break;
                case RoleItem:
                    int ul = v.U16("role uid length");
                    var uid = Uid(v.Take(ul, "role sop class uid"));
                    u.RoleSelections.Add(new RoleSelection(uid, v.U8("scu role") == 1, v.U8("scp role") == 1));
                    break;
                case UserIdentityRqItem:
                    byte idType = v.U8("identity type");
                    bool positive = v.U8("positive response requested") == 1;
                    var primary = Encoding.UTF8.GetString(v.Take(v.U16("primary length"), "primary field"));
                    var secondary = Encoding.UTF8.GetString(v.Take(v.U16("secondary length"), "secondary field"));
                    u.UserIdentity = new UserIdentity(idType, positive, primary, secondary);
                    break;
                case UserIdentityAcItem:
                    u.UserIdentityResponse = v.Take(v.U16("server response length"), "server response").ToArray();
                    break;
                default:
                    break; // other extended negotiation items (0x56, 0x57) are ignored, as PS3.7 D.3.3 permits
            }
        }
        return u;
    }
}
