using System.Xml.Linq;
using Enamel.Core.Audit;

namespace Enamel.Core.Tests.Audit;

public sealed class AuditExportTests
{
    private static readonly AuditRecord Read = new(42,
        new AuditEvent(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.FromHours(1)), "u-7", "dentist", 1234, "Imaging study 1.2.3", "Read",
            AuditOutcome.Success, "TREAT", "192.168.1.20") { Detail = "role-permits" }, new byte[32]);

    private static readonly AuditRecord Denied = Read with { Event = Read.Event with { Outcome = AuditOutcome.Denied, Source = "CBCT_AE", Action = "Export" } };

    [Fact]
    public void Atna_ReadEvent_IsAPs315AuditMessage()
    {
        var xml = AtnaAuditMessageWriter.ToXml(Read, "ENAMEL@north");
        Assert.DoesNotContain('\n', xml);
        var m = XElement.Parse(xml);
        Assert.Equal("AuditMessage", m.Name.LocalName);
        var id = m.Element("EventIdentification")!;
        Assert.Equal(("R", "0"), ((string)id.Attribute("EventActionCode")!, (string)id.Attribute("EventOutcomeIndicator")!));
        Assert.Equal(("110110", "DCM"), ((string)id.Element("EventID")!.Attribute("csd-code")!, (string)id.Element("EventID")!.Attribute("codeSystemName")!));
        Assert.Equal("TREAT", (string)id.Element("PurposeOfUse")!.Attribute("csd-code")!);
        var who = m.Element("ActiveParticipant")!;
        Assert.Equal(("u-7", "true", "192.168.1.20", "2"), ((string)who.Attribute("UserID")!, (string)who.Attribute("UserIsRequestor")!,
            (string)who.Attribute("NetworkAccessPointID")!, (string)who.Attribute("NetworkAccessPointTypeCode")!));
        Assert.Equal("ENAMEL@north", (string)m.Element("AuditSourceIdentification")!.Attribute("AuditSourceID")!);
        var patient = m.Elements("ParticipantObjectIdentification").First();
        Assert.Equal(("1234", "1", "1"), ((string)patient.Attribute("ParticipantObjectID")!, (string)patient.Attribute("ParticipantObjectTypeCode")!,
            (string)patient.Attribute("ParticipantObjectTypeCodeRole")!));
        var study = m.Elements("ParticipantObjectIdentification").Last();
        Assert.Equal("1.2.3", (string)study.Attribute("ParticipantObjectID")!);
        Assert.Equal("110180", (string)study.Element("ParticipantObjectIDTypeCode")!.Attribute("csd-code")!);
        Assert.Equal("Imaging study 1.2.3", (string)study.Element("ParticipantObjectName")!);
        // PS3.15 A.5.1 element order: EventIdentification, ActiveParticipant, AuditSourceIdentification, ParticipantObjectIdentification
        Assert.Equal(["EventIdentification", "ActiveParticipant", "AuditSourceIdentification", "ParticipantObjectIdentification", "ParticipantObjectIdentification"],
            m.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void Chain_CanonicalBytes_SeparateFieldsUnambiguously()
    {
        var a = Read.Event with { ActorId = "ab", ActorRole = "c" };
        var b = Read.Event with { ActorId = "a", ActorRole = "bc" };
        Assert.NotEqual(AuditChain.Hash(AuditChain.Genesis, 1, a), AuditChain.Hash(AuditChain.Genesis, 1, b));
        Assert.NotEqual(AuditChain.Hash(AuditChain.Genesis, 1, a), AuditChain.Hash(AuditChain.Genesis, 2, a));
        Assert.Equal(AuditChain.Hash(AuditChain.Genesis, 1, a), AuditChain.Hash(AuditChain.Genesis, 1, a with { }));
    }

    [Fact]
    public void Signer_OtherKeyOrChangedCheckpoint_DoesNotVerify()
    {
        var signer = new AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = new byte[32] });
        var cp = signer.Sign(10, new byte[32], DateTimeOffset.UnixEpoch);
        Assert.True(signer.Verify(cp));
        Assert.False(signer.Verify(cp with { Sequence = 11 }));
        Assert.False(new AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = Enumerable.Repeat((byte)1, 32).ToArray() }).Verify(cp));
        var rotated = new AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = new byte[32], [2] = Enumerable.Repeat((byte)2, 32).ToArray() });
        Assert.True(rotated.Verify(cp)); // old checkpoints verify while the old master key version is kept
        Assert.Equal(2, rotated.Sign(1, new byte[32], DateTimeOffset.UnixEpoch).KeyVersion);
    }
}
