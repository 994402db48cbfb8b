using System.Globalization;

namespace Enamel.Dicom.Tests.Text;

/// <summary>The encoded examples of PS3.5 Annexes H (Japanese), I (Korean), J (UTF-8, GB18030, GBK) and K (GB 2312).</summary>
public class StandardExampleTests
{
    // Example H.3-1, Specific Character Set "\ISO 2022 IR 87".
    private static readonly byte[] H31 = Columns(
        "05/09 06/01 06/13 06/01 06/04 06/01 05/14 05/04 06/01 07/02 06/15 07/05 03/13 " +
        "01/11 02/04 04/02 03/11 03/03 04/05 04/04 01/11 02/08 04/02 05/14 01/11 02/04 " +
        "04/02 04/02 04/00 04/15 03/10 01/11 02/08 04/02 03/13 01/11 02/04 04/02 02/04 " +
        "06/04 02/04 05/14 02/04 04/00 01/11 02/08 04/02 05/14 01/11 02/04 04/02 02/04 " +
        "03/15 02/04 06/13 02/04 02/06 01/11 02/08 04/02");

    // Example H.3-2, Specific Character Set "ISO 2022 IR 13\ISO 2022 IR 87".
    private static readonly byte[] H32 = Columns(
        "13/04 12/15 12/00 13/14 05/14 12/00 13/11 11/03 03/13 01/11 02/04 04/02 03/11 03/03 04/05 04/04 01/11 " +
        "02/08 04/10 05/14 01/11 02/04 04/02 04/02 04/00 04/15 03/10 01/11 02/08 04/10 03/13 01/11 02/04 04/02 " +
        "02/04 06/04 02/04 05/14 02/04 04/00 01/11 02/08 04/10 05/14 01/11 02/04 04/02 02/04 03/15 02/04 06/13 " +
        "02/04 02/06 01/11 02/08 04/10");

    // Example I.2-1, Specific Character Set "\ISO 2022 IR 149".
    private static readonly byte[] I21 = Columns(
        "04/08 06/15 06/14 06/07 05/14 04/07 06/09 06/12 06/04 06/15 06/14 06/07 03/13 01/11 02/04 02/09 04/03 " +
        "15/11 15/03 05/14 01/11 02/04 02/09 04/03 13/01 12/14 13/04 13/07 03/13 01/11 02/04 02/09 04/03 12/08 " +
        "10/11 05/14 01/11 02/04 02/09 04/03 11/01 14/06 11/05 11/15");

    // Example J.1-1 (ISO_IR 192) and J.3-1 (GB18030).
    private static readonly byte[] J11 = Hex("57 61 6e 67 5e 58 69 61 6f 44 6f 6e 67 3d e7 8e 8b 5e e5 b0 8f e6 9d b1 3d");
    private static readonly byte[] J31 = Hex("57 61 6e 67 5e 58 69 61 6f 44 6f 6e 67 3d cd f5 5e d0 a1 b6 ab 3d");

    // Example K.2-1 (PN, including the trailing padding space) and K.3-1 (LT), Specific Character Set "\ISO 2022 IR 58".
    private static readonly byte[] K21 = Hex("5A 68 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D 1B 24 29 41 D5 C5 5E 1B 24 29 41 D0 A1 B6 AB 3D 20");
    private static readonly byte[] K31 = Hex(
        "31 2e 1B 24 29 41 B5 DA D2 BB D0 D0 CE C4 D7 D6 A1 A3 0D 0A " +
        "32 2e 1B 24 29 41 B5 DA B6 FE D0 D0 CE C4 D7 D6 A1 A3 0D 0A " +
        "33 2e 1B 24 29 41 B5 DA C8 FD D0 D0 CE C4 D7 D6 A1 A3 0D 0A");

    private const string YamadaTarou = "Yamada^Tarou=山田^太郎=やまだ^たろう";
    private const string YamadaKatakana = "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう";
    private const string HongGildong = "Hong^Gildong=洪^吉洞=홍^길동";
    private const string ChineseLines = "1.第一行文字。\r\n2.第二行文字。\r\n3.第三行文字。\r\n";

    public static TheoryData<string, byte[], string, DicomVR> Examples() => new()
    {
        { "\\ISO 2022 IR 87", H31, YamadaTarou, DicomVR.PN },
        { "ISO 2022 IR 13\\ISO 2022 IR 87", H32, YamadaKatakana, DicomVR.PN },
        { "\\ISO 2022 IR 149", I21, HongGildong, DicomVR.PN },
        { "ISO_IR 192", J11, "Wang^XiaoDong=王^小東=", DicomVR.PN },
        { "GB18030", J31, "Wang^XiaoDong=王^小东=", DicomVR.PN },
        { "GBK", J31, "Wang^XiaoDong=王^小东=", DicomVR.PN },
        { "\\ISO 2022 IR 58", K21[..^1], "Zhang^XiaoDong=张^小东=", DicomVR.PN },
        { "\\ISO 2022 IR 58", K31, ChineseLines, DicomVR.LT },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Decode_StandardExample_GivesText(string charset, byte[] encoded, string text, DicomVR vr)
    {
        Assert.Equal(text, DicomCharacterSet.FromTerms(charset).Decode(encoded, vr, DicomTags.PatientName));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Encode_StandardExample_GivesStandardBytes(string charset, byte[] encoded, string text, DicomVR vr)
    {
        Assert.Equal(Show(encoded), Show(DicomCharacterSet.FromTerms(charset).Encode(text, vr)));
    }

    [Fact]
    public void SetString_AnnexK2_PaddedValueMatchesStandard()
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "", "ISO 2022 IR 58");
        ds.SetString(DicomTags.PatientName, DicomVR.PN, "Zhang^XiaoDong=张^小东=");
        Assert.Equal(Show(K21), Show(((DicomValueElement)ds[DicomTags.PatientName]!).Value.GetMemory().ToArray()));
        Assert.Equal("Zhang^XiaoDong=张^小东=", ds.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void Decode_AnnexI3LongTextEscapePerLine_GivesText()
    {
        // Example I.3-1: the designation of ISO-IR 149 is repeated at the head of each line.
        var bytes = new List<byte>();
        var korean = System.Text.Encoding.GetEncoding(949);
        void Line(string escapeThen, bool escape)
        {
            if (escape) bytes.AddRange([0x1B, 0x24, 0x29, 0x43]);
            bytes.AddRange(korean.GetBytes(escapeThen));
        }
        _ = DicomCharacterSet.Default; // registers the code page provider
        Line("The first line includes 한글.\r\n", true);
        Line("The second line includes 한글, too.\r\n", true);
        Line("The third line", false);
        var text = DicomCharacterSet.FromTerms("\\ISO 2022 IR 149").Decode(bytes.ToArray(), DicomVR.LT, DicomTags.ImageComments);
        Assert.Equal("The first line includes 한글.\r\nThe second line includes 한글, too.\r\nThe third line", text);
    }

    internal static string Show(byte[] bytes) => Convert.ToHexString(bytes);

    /// <summary>Parses the standard's column/row notation ("05/09" is 0x59).</summary>
    private static byte[] Columns(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(cr => (byte)(int.Parse(cr[..2], CultureInfo.InvariantCulture) * 16 + int.Parse(cr[3..], CultureInfo.InvariantCulture)))
            .ToArray();

    internal static byte[] Hex(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => Convert.ToByte(h, 16)).ToArray();
}
