using Enamel.Dicom.Network;

namespace Enamel.Dicom.Tests.Network;

public sealed class PduTests
{
    [Fact]
    public void AssociateRequest_RoundTrip_KeepsEveryItem()
    {
        var rq = new AssociateRequest { CalledAeTitle = "CALLED", CallingAeTitle = "CALLING" };
        rq.AddContext(DicomUids.Verification.Value, DicomTransferSyntax.ImplicitVRLittleEndian.Uid);
        rq.AddContext("1.2.840.10008.5.1.4.1.1.2", DicomTransferSyntax.JpegLossless.Uid, DicomTransferSyntax.ExplicitVRLittleEndian.Uid);
        rq.UserInformation.MaxPduLength = 12345;
        rq.UserInformation.AsyncOperations = (3, 2);
        rq.UserInformation.RoleSelections.Add(new RoleSelection("1.2.840.10008.5.1.4.1.1.2", false, true));
        rq.UserInformation.UserIdentity = UserIdentity.UsernamePassword("alice", "s3cret");
        var bytes = rq.Encode();
        Assert.Equal((byte)PduType.AssociateRequest, bytes[0]);
        var back = AssociateRequest.Parse(bytes.AsSpan(6), isAccept: false);
        Assert.Equal("CALLED", back.CalledAeTitle);
        Assert.Equal("CALLING", back.CallingAeTitle);
        Assert.Equal(2, back.PresentationContexts.Count);
        Assert.Equal([DicomTransferSyntax.JpegLossless.Uid, DicomTransferSyntax.ExplicitVRLittleEndian.Uid], back.PresentationContexts[1].TransferSyntaxes);
        Assert.Equal(12345u, back.UserInformation.MaxPduLength);
        Assert.Equal(((ushort)3, (ushort)2), back.UserInformation.AsyncOperations);
        Assert.Equal(DicomImplementation.ClassUid, back.UserInformation.ImplementationClassUid);
        Assert.Equal(DicomImplementation.VersionName, back.UserInformation.ImplementationVersionName);
        Assert.Equal(new RoleSelection("1.2.840.10008.5.1.4.1.1.2", false, true), back.UserInformation.RoleSelections.Single());
        Assert.Equal("alice", back.UserInformation.UserIdentity!.PrimaryField);
        Assert.Equal("s3cret", back.UserInformation.UserIdentity.SecondaryField);
        Assert.DoesNotContain("s3cret", back.UserInformation.UserIdentity.ToString());
    }

    [Fact]
    public void AssociateRequest_TruncatedAtEveryByte_ThrowsNetworkException()
    {
        var rq = new AssociateRequest();
        rq.AddContext(DicomUids.Verification.Value, DicomTransferSyntax.ImplicitVRLittleEndian.Uid);
        var body = rq.Encode().AsSpan(6).ToArray();
        for (int n = 0; n < body.Length; n++)
        {
            var cut = body[..n];
            Assert.ThrowsAny<DicomNetworkException>(() => AssociateRequest.Parse(cut, isAccept: false));
        }
    }

    [Fact]
    public async Task PduReader_DeclaredLengthAboveMax_ThrowsWithoutReadingBody()
    {
        // Only the header is available: the reader must refuse on the declared length, not wait for the body.
        var stream = new MemoryStream([0x04, 0, 0x00, 0x10, 0x00, 0x01]);
        var reader = new PduReader(stream, 16384);
        var ex = await Assert.ThrowsAsync<DicomNetworkException>(async () => await reader.ReadAsync(CancellationToken.None));
        Assert.Contains("above the limit", ex.Message);
        Assert.Equal(6, reader.BytesRead);
    }

    [Fact]
    public async Task PDataOutputStream_FragmentsToPeerMax_AndReassembles()
    {
        var wire = new MemoryStream();
        var data = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var output = new PDataOutputStream(wire, 5, isCommand: false, peerMaxPdu: 4096);
        await output.WriteAsync(data);
        await output.CompleteAsync(CancellationToken.None);
        wire.Position = 0;
        var reader = new PduReader(wire, 4096);
        var got = new MemoryStream();
        int pdus = 0;
        bool last = false;
        while (await reader.ReadAsync(CancellationToken.None) is { } pdu)
        {
            pdus++;
            Assert.True(pdu.Length <= 4096);
            foreach (var pdv in PDataTf.Parse(pdu.Span))
            {
                Assert.False(last);
                Assert.Equal(5, pdv.PresentationContextId);
                Assert.False(pdv.IsCommand);
                got.Write(pdu.Span.Slice(pdv.Offset, pdv.Length));
                last = pdv.IsLast;
            }
        }
        Assert.True(last);
        Assert.Equal(data, got.ToArray());
        Assert.True(pdus >= 100_000 / 4090);
    }

    [Fact]
    public void CommandSet_EncodedImplicitLittleEndian_WithGroupLength()
    {
        var c = DimseCommand.StoreRequest(7, "1.2.840.10008.5.1.4.1.1.2", "1.2.3");
        var bytes = DimseCommand.Encode(c);
        Assert.Equal([0, 0, 0, 0, 4, 0, 0, 0], bytes[..8]); // (0000,0000) implicit VR, length 4
        Assert.Equal((uint)(bytes.Length - 12), BitConverter.ToUInt32(bytes, 8));
        var back = DimseCommand.Decode(bytes);
        Assert.Equal(DimseCommandField.CStoreRequest, DimseCommand.Field(back));
        Assert.Equal(7, DimseCommand.MessageId(back));
        Assert.True(DimseCommand.HasDataSet(back));
        var rsp = DimseCommand.Response(back, DimseStatus.Warning);
        Assert.Equal(DimseCommandField.CStoreResponse, DimseCommand.Field(rsp));
        Assert.Equal(7, DimseCommand.RespondedTo(rsp));
        Assert.False(DimseCommand.HasDataSet(rsp));
    }
}

