using Enamel.Core.Access;
using Enamel.Core.Audit;

namespace Enamel.Core.Tests.Audit;

/// <summary>Typed audit actions and objects keep the exact text earlier releases stored (and hashed), and read it back typed.</summary>
public sealed class AuditTypesTests
{
    public static TheoryData<string, AuditObjectKind, string> StoredObjects => new()
    {
        { "user 0a1b2c", AuditObjectKind.User, "0a1b2c" },
        { "api token 9f8e", AuditObjectKind.ApiToken, "9f8e" },
        { "session", AuditObjectKind.Session, "" },
        { "role xray-reader", AuditObjectKind.Role, "xray-reader" },
        { "master key", AuditObjectKind.MasterKey, "" },
        { "break-glass grant", AuditObjectKind.BreakGlassGrant, "" },
        { "break-glass grant 77aa", AuditObjectKind.BreakGlassGrant, "77aa" },
        { "Imaging study 1.2.840.1", AuditObjectKind.Study, "1.2.840.1" },
        { "Demographics clinic", AuditObjectKind.Record, "clinic" },
        { "Settings cli users add", AuditObjectKind.Record, "cli users add" },
        { "Imaging search", AuditObjectKind.Record, "search" },
        { "something else", AuditObjectKind.Other, "something else" },
    };

    [Theory]
    [MemberData(nameof(StoredObjects))]
    public void Object_ParsedFromStoredText_KeepsTheTextAndKnowsItsKind(string text, AuditObjectKind kind, string id)
    {
        var o = AuditObject.Parse(text);
        Assert.Equal((text, kind, id), (o.Text, o.Kind, o.Id));
    }

    [Fact]
    public void Object_Factories_WriteWhatEarlierReleasesWrote()
    {
        Assert.Equal("user u1", AuditObject.User("u1").Text);
        Assert.Equal("api token t1", AuditObject.ApiToken("t1").Text);
        Assert.Equal("role r1", AuditObject.Role("r1").Text);
        Assert.Equal("break-glass grant g1", AuditObject.BreakGlassGrant("g1").Text);
        Assert.Equal("break-glass grant", AuditObject.BreakGlassGrant(null).Text);
        Assert.Equal("Imaging study 1.2.3", AuditObject.Record(RecordCategory.Imaging, "study 1.2.3").Text);
        Assert.Equal(AuditObjectKind.Study, AuditObject.Record(RecordCategory.Imaging, "study 1.2.3").Kind);
        Assert.Equal("Settings", AuditObject.Record(RecordCategory.Settings, "").Text);
    }

    [Fact]
    public void Action_EveryKnownActionRoundTripsAndUnknownTextIsKept()
    {
        Assert.All(AuditAction.All, a => Assert.Same(a, AuditAction.Parse(a.Text)));
        Assert.All(Enum.GetValues<RecordAction>(), a => Assert.True(AuditAction.Of(a).IsKnown, a.ToString()));
        var future = AuditAction.Parse("SomethingNewer");
        Assert.Equal(("SomethingNewer", false, "110110"), (future.Text, future.IsKnown, future.EventCode));
        Assert.Equal(("110137", "E"), (AuditAction.TokenCreate.EventCode, AuditAction.TokenCreate.ActionCode));
        Assert.Equal(("110110", "R"), (AuditAction.Read.EventCode, AuditAction.Read.ActionCode));
    }

    [Fact]
    public void Chain_HashOfTypedEvent_EqualsTheHashOfItsStoredText()
    {
        var t = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var typed = new AuditEvent(t, "u1", "dentist", 7, AuditObject.Record(RecordCategory.Imaging, "study 1.2.3"), AuditAction.Read, AuditOutcome.Success, "TREAT", "10.0.0.1");
        var stored = new AuditEvent(t, "u1", "dentist", 7, AuditObject.Parse("Imaging study 1.2.3"), AuditAction.Parse("Read"), AuditOutcome.Success, "TREAT", "10.0.0.1");
        Assert.Equal(AuditChain.Hash(AuditChain.Genesis, 1, stored), AuditChain.Hash(AuditChain.Genesis, 1, typed));
    }
}
