using System.Text;
using static Enamel.Dicom.Tests.Text.StandardExampleTests;

namespace Enamel.Dicom.Tests.Text;

public class DicomCharacterSetTests
{
    private static readonly DicomTag Tag = DicomTags.PatientName;

    /// <summary>Single-byte sets without code extensions: the bytes of a name and the text they stand for.</summary>
    public static TheoryData<string, string, string> SingleByteSets() => new()
    {
        { "ISO_IR 6", "41 42 5E 43", "AB^C" },
        { "ISO_IR 100", "C4 6E 65 61 73 5E 52 FC 64 69 67 65 72", "Äneas^Rüdiger" },
        { "ISO_IR 101", "A3 F3 64 BC", "Łódź" },
        { "ISO_IR 109", "A1 61 F5 61 72", "Ħaġar" },
        { "ISO_IR 110", "4A E0 6E 69 73", "Jānis" },
        { "ISO_IR 144", "BB EE DA 63 65 DC D1 79 70 D3", "Люкceмбypг" },
        { "ISO_IR 127", "E2 C8 C7 E6 EA 5E E4 E6 D2 C7 D1", "قباني^لنزار" },
        { "ISO_IR 126", "C4 E9 EF ED F5 F3 E9 EF F2", "Διονυσιος" },
        { "ISO_IR 138", "F9 F8 E5 EF 5E E3 E1 E5 F8 E4", "שרון^דבורה" },
        { "ISO_IR 148", "49 FE FD 6B", "Işık" },
        { "ISO_IR 203", "A4 20 A6 BD", "€ Šœ" },
        { "ISO_IR 166", "E4 B7 C2", "ไทย" },
        { "ISO_IR 13", "D4 CF C0 DE 5E C0 DB B3", "ﾔﾏﾀﾞ^ﾀﾛｳ" },
    };

    [Theory]
    [MemberData(nameof(SingleByteSets))]
    public void Decode_SingleByteSet_GivesText(string term, string hex, string text)
    {
        Assert.Equal(text, DicomCharacterSet.FromTerms(term).Decode(Hex(hex), DicomVR.PN, Tag));
    }

    [Theory]
    [MemberData(nameof(SingleByteSets))]
    public void Encode_SingleByteSet_GivesBytes(string term, string hex, string text)
    {
        Assert.Equal(Show(Hex(hex)), Show(DicomCharacterSet.FromTerms(term).Encode(text, DicomVR.PN)));
    }

    [Theory]
    [MemberData(nameof(SingleByteSets))]
    public void Decode_SameSetWithCodeExtensions_GivesText(string term, string hex, string text)
    {
        // Value 1 "ISO 2022 IR n" designates the same G1 set at the start of the value, so no escape is needed.
        var extended = term.Replace("ISO_IR ", "ISO 2022 IR ", StringComparison.Ordinal);
        Assert.Equal(text, DicomCharacterSet.FromTerms(extended + "\\ISO 2022 IR 87").Decode(Hex(hex), DicomVR.PN, Tag));
    }

    public static TheoryData<string, string> ExtensionSets() => new()
    {
        { "\\ISO 2022 IR 100", "Buc^Jérôme" }, { "\\ISO 2022 IR 101", "Łódź^Žofie" }, { "\\ISO 2022 IR 109", "Ħaġar" },
        { "\\ISO 2022 IR 110", "Jānis^Ķēniņš" }, { "\\ISO 2022 IR 144", "Иван^Петров" }, { "\\ISO 2022 IR 127", "قباني^لنزار" },
        { "\\ISO 2022 IR 126", "Νίκος" }, { "\\ISO 2022 IR 138", "שרון^דבורה" }, { "\\ISO 2022 IR 148", "Işık^Gül" },
        { "\\ISO 2022 IR 203", "Šœur^€" }, { "\\ISO 2022 IR 166", "ไทย^สมชาย" }, { "ISO 2022 IR 13", "ﾔﾏﾀﾞ^ﾀﾛｳ" },
        { "\\ISO 2022 IR 87", "山田^太郎=やまだ" }, { "\\ISO 2022 IR 159", "丂^x" }, { "\\ISO 2022 IR 149", "홍^길동" },
        { "\\ISO 2022 IR 58", "张^小东" }, { "ISO 2022 IR 100\\ISO 2022 IR 144", "Müller^Иван" },
        { "ISO 2022 IR 13\\ISO 2022 IR 87\\ISO 2022 IR 159", "ﾔﾏﾀﾞ 山田丂=やまだ" },
        { "ISO_IR 192", "Wang^王 😀 naïve" }, { "GB18030", "王^小东 € 😀" }, { "GBK", "张^小东 乗" },
    };

    [Theory]
    [MemberData(nameof(ExtensionSets))]
    public void EncodeThenDecode_TextInRepertoire_RoundTrips(string charset, string text)
    {
        var cs = DicomCharacterSet.FromTerms(charset);
        foreach (var vr in new[] { DicomVR.PN, DicomVR.LO, DicomVR.LT })
            Assert.Equal(text, cs.Decode(cs.Encode(text, vr), vr, Tag));
    }

    [Theory]
    [MemberData(nameof(ExtensionSets))]
    public void EncodeThenDecode_RandomMixOfRepertoireAndDelimiters_RoundTrips(string charset, string sample)
    {
        var cs = DicomCharacterSet.FromTerms(charset);
        var pool = sample.EnumerateRunes().Select(r => r.ToString())
            .Concat(["A", "z", " ", "^", "=", "\\", "\r", "\n", "\t", "\f", "1"]).Distinct().ToArray();
        var random = new Random(charset.Length);
        for (int n = 0; n < 300; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 24)).Select(_ => pool[random.Next(pool.Length)]));
            foreach (var vr in new[] { DicomVR.PN, DicomVR.LO, DicomVR.UT })
                Assert.Equal(text, cs.Decode(cs.Encode(text, vr), vr, Tag));
        }
    }

    [Fact]
    public void Decode_PnComponentDelimiter_ResetsG1ToValue1()
    {
        // ESC - L designates Cyrillic to G1; after "^" the Latin-1 G1 of value 1 is active again (PS3.5 6.1.2.5.3).
        var cs = DicomCharacterSet.FromTerms("ISO 2022 IR 100\\ISO 2022 IR 144");
        byte[] bytes = [0x1B, 0x2D, 0x4C, 0xB8, (byte)'^', 0xB8];
        Assert.Equal("И^¸", cs.Decode(bytes, DicomVR.PN, Tag));
        Assert.Equal("И^И", cs.Decode(bytes, DicomVR.LO, Tag)); // "^" is not a delimiter in LO
    }

    [Fact]
    public void GetStrings_ValueDelimiter_ResetsG1ToValue1()
    {
        var ds = WithCharset("ISO 2022 IR 100\\ISO 2022 IR 144");
        ds.SetBytes(DicomTags.SoftwareVersions, DicomVR.LO, new byte[] { 0x1B, 0x2D, 0x4C, 0xB8, (byte)'\\', 0xB8 });
        Assert.Equal(["И", "¸"], ds.GetStrings(DicomTags.SoftwareVersions));
    }

    [Theory]
    [InlineData(0x0D)]
    [InlineData(0x0A)]
    [InlineData(0x0C)]
    [InlineData(0x09)]
    public void Decode_ControlCharacter_ResetsG0ToValue1(byte control)
    {
        // Without the reset, "A" would be read as the first half of a JIS X 0208 character.
        byte[] bytes = [0x1B, 0x24, 0x42, 0x3B, 0x33, control, (byte)'A'];
        Assert.Equal($"山{(char)control}A", DicomCharacterSet.FromTerms("\\ISO 2022 IR 87").Decode(bytes, DicomVR.LT, Tag));
    }

    [Fact]
    public void GetStrings_Jis0208CharacterContaining5C_IsNotSplit()
    {
        var kanji = Jis(0x30, 0x5C);
        var ds = WithCharset("\\ISO 2022 IR 87");
        ds.SetBytes(DicomTags.SoftwareVersions, DicomVR.LO, new byte[] { 0x1B, 0x24, 0x42, 0x30, 0x5C, 0x1B, 0x28, 0x42, 0x5C, 0x41, 0x20 });
        Assert.Equal([kanji, "A"], ds.GetStrings(DicomTags.SoftwareVersions));
    }

    [Fact]
    public void GetString_PnJis0208CharacterContainingCaretAndEquals_IsOneCharacter()
    {
        var kanji = Jis(0x3D, 0x5E); // bytes "=^"
        var ds = WithCharset("\\ISO 2022 IR 87");
        ds.SetString(DicomTags.PatientName, DicomVR.PN, kanji + "^A");
        Assert.Equal(Show([0x1B, 0x24, 0x42, 0x3D, 0x5E, 0x1B, 0x28, 0x42, 0x5E, 0x41]), Show(Value(ds, DicomTags.PatientName)));
        Assert.Equal(kanji + "^A", ds.GetString(DicomTags.PatientName));
    }

    [Theory]
    [InlineData("GBK")]
    [InlineData("GB18030")]
    public void GetStrings_GbkTrailByte5C_IsNotSplit(string charset)
    {
        var ds = WithCharset(charset);
        ds.SetString(DicomTags.SoftwareVersions, DicomVR.LO, "乗", "B");
        Assert.Equal("815C5C42", Show(Value(ds, DicomTags.SoftwareVersions)));
        Assert.Equal(["乗", "B"], ds.GetStrings(DicomTags.SoftwareVersions));
    }

    [Fact]
    public void GetString_InvalidUtf8_ThrowsDicomTextExceptionNamingTag()
    {
        var ds = WithCharset("ISO_IR 192");
        ds.SetBytes(DicomTags.PatientName, DicomVR.PN, new byte[] { 0x41, 0xC3, 0x28, 0x20 });
        var ex = Assert.Throws<DicomTextException>(() => ds.GetString(DicomTags.PatientName));
        Assert.Equal(DicomTags.PatientName, ex.Tag);
        Assert.Contains("(0010,0010)", ex.Message);
        Assert.Contains("ISO_IR 192", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void SetString_NonAsciiUnderDefaultRepertoire_DeclaresUtf8(string? charset)
    {
        // The default repertoire is a subset of UTF-8, so existing values stay valid: new data is written as UTF-8.
        var ds = charset is null ? new DicomDataset() : WithCharset(charset);
        ds.SetString(DicomTags.PatientName, DicomVR.PN, "Doe^Jérôme");
        Assert.Equal("ISO_IR 192", ds.GetString(DicomTags.SpecificCharacterSet));
        Assert.Equal("Doe^Jérôme", ds.GetString(DicomTags.PatientName));
    }

    [Theory]
    [InlineData("ISO_IR 100", "Иван")]
    [InlineData("\\ISO 2022 IR 87", "홍길동")]
    [InlineData("ISO 2022 IR 13\\ISO 2022 IR 87", "😀")]
    [InlineData("GBK", "😀")]
    public void SetString_TextOutsideDeclaredSet_ThrowsNamingTagAndUtf8(string charset, string text)
    {
        var ds = WithCharset(charset);
        var ex = Assert.Throws<DicomTextException>(() => ds.SetString(DicomTags.PatientName, DicomVR.PN, "Doe^" + text));
        Assert.Equal(DicomTags.PatientName, ex.Tag);
        Assert.Contains("U+", ex.Message);
        Assert.Contains("ISO_IR 192", ex.Message);
        Assert.DoesNotContain(text, ex.Message); // no PHI in the message
    }

    [Fact]
    public void Encode_WithoutTag_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => DicomCharacterSet.Default.Encode("é", DicomVR.LO));
        Assert.Throws<ArgumentException>(() => DicomCharacterSet.Utf8.Encode("\uD800", DicomVR.LO));
    }

    [Fact]
    public void Encode_NewDataAsUtf8_RepresentsAnyText()
    {
        var ds = WithCharset("ISO_IR 192");
        ds.SetString(DicomTags.PatientName, DicomVR.PN, "Müller^Иван=山田^홍😀");
        Assert.Equal("Müller^Иван=山田^홍😀", ds.GetString(DicomTags.PatientName));
    }

    [Theory]
    [InlineData("ISO_IR 999")]
    [InlineData("X-UNKNOWN")]
    [InlineData("\\ISO 2022 IR 999")]
    public void Decode_UnknownTerm_FallsBackToLatin1(string charset)
    {
        var cs = DicomCharacterSet.FromTerms(charset);
        Assert.False(cs.IsKnown);
        Assert.Equal("Aé^B", cs.Decode([0x41, 0xE9, 0x5E, 0x42], DicomVR.PN, Tag));
    }

    [Theory]
    [InlineData("ISO-IR 100")]
    [InlineData("ISO_IR_100")]
    [InlineData("iso_ir 100")]
    [InlineData("ISO IR 100")]
    public void FromTerms_CommonMisspelling_IsRecognised(string charset)
    {
        var cs = DicomCharacterSet.FromTerms(charset);
        Assert.True(cs.IsKnown);
        Assert.Equal([charset], cs.Terms);
        Assert.Equal("Jérôme", cs.Decode([0x4A, 0xE9, 0x72, 0xF4, 0x6D, 0x65], DicomVR.PN, Tag));
    }

    [Fact]
    public void FromTerms_MultiValued_KeepsTermsInOrder()
    {
        var cs = DicomCharacterSet.FromTerms("\\ISO 2022 IR 87 ");
        Assert.Equal(["", "ISO 2022 IR 87"], cs.Terms);
        Assert.Equal("\\ISO 2022 IR 87", cs.ToString());
        Assert.True(cs.IsKnown);
    }

    [Fact]
    public void Decode_KoreanWithoutEscape_UsesDeclaredG1()
    {
        // Common in practice: "\ISO 2022 IR 149" declared, EUC-KR bytes written without the designation.
        var cs = DicomCharacterSet.FromTerms("\\ISO 2022 IR 149");
        Assert.Equal("홍^길동", cs.Decode([0xC8, 0xAB, 0x5E, 0xB1, 0xE6, 0xB5, 0xBF], DicomVR.PN, Tag));
    }

    [Fact]
    public void Decode_TruncatedMultiByteAndEscape_GivesReplacementNotCrash()
    {
        var cs = DicomCharacterSet.FromTerms("\\ISO 2022 IR 87");
        Assert.Equal("山\uFFFD", cs.Decode([0x1B, 0x24, 0x42, 0x3B, 0x33, 0x45], DicomVR.LO, Tag));
        Assert.Equal("A\uFFFD", cs.Decode([0x41, 0x1B, 0x24], DicomVR.LO, Tag));
        Assert.Equal("AB", cs.Decode([0x41, 0x1B, 0x25, 0x47, 0x42], DicomVR.LO, Tag)); // unknown escape skipped
    }

    [Fact]
    public void CharacterSet_NestedItemWithoutOwnSet_InheritsParent()
    {
        var item = new DicomDataset();
        var ds = WithCharset("\\ISO 2022 IR 149");
        ds.Set(new DicomSequence(DicomTags.ReferencedStudySequence, [item]));
        item.SetString(DicomTags.PatientName, DicomVR.PN, "Hong^Gildong=洪^吉洞");
        Assert.Equal("Hong^Gildong=洪^吉洞", item.GetString(DicomTags.PatientName));
    }

    private static DicomDataset WithCharset(string charset)
    {
        var ds = new DicomDataset();
        if (charset.Length > 0) ds.SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, charset.Split('\\'));
        return ds;
    }

    private static byte[] Value(DicomDataset ds, DicomTag tag) =>
        ((DicomValueElement)ds[tag]!).Value.GetMemory().ToArray().AsSpan().TrimEnd((byte)' ').ToArray();

    private static string Jis(byte row, byte cell)
    {
        _ = DicomCharacterSet.Default; // registers the code page provider
        return Encoding.GetEncoding(20932).GetString([(byte)(row | 0x80), (byte)(cell | 0x80)]);
    }
}

public class DicomCharacterSetRobustnessTests
{
    public static TheoryData<string> AllCharsets() => new()
    {
        "", "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144", "ISO_IR 127", "ISO_IR 126", "ISO_IR 138",
        "ISO_IR 148", "ISO_IR 203", "ISO_IR 166", "ISO_IR 13", "ISO_IR 192", "GB18030", "GBK", "ISO 2022 IR 100",
        "\\ISO 2022 IR 87", "ISO 2022 IR 13\\ISO 2022 IR 87\\ISO 2022 IR 159", "\\ISO 2022 IR 149", "\\ISO 2022 IR 58",
        "ISO 2022 IR 100\\ISO 2022 IR 144\\ISO 2022 IR 126\\ISO 2022 IR 166", "ISO_IR 999\\FOO",
    };

    [Theory]
    [MemberData(nameof(AllCharsets))]
    public void Decode_RandomBytes_ReturnsTextOrThrowsDicomTextException(string charset)
    {
        var cs = DicomCharacterSet.FromTerms(charset);
        var random = new Random(7);
        var bytes = new byte[64];
        for (int n = 0; n < 2000; n++)
        {
            random.NextBytes(bytes);
            if (n % 2 == 0) bytes[random.Next(bytes.Length)] = 0x1B;
            var length = random.Next(bytes.Length + 1);
            foreach (var vr in new[] { DicomVR.PN, DicomVR.LO, DicomVR.LT })
            {
                try
                {
                    Assert.NotNull(cs.Decode(bytes.AsSpan(0, length), vr, DicomTags.PatientName));
                }
                catch (DicomTextException) when (charset == "ISO_IR 192")
                {
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllCharsets))]
    public void Encode_RandomText_RoundTripsOrThrowsDicomTextException(string charset)
    {
        var cs = DicomCharacterSet.FromTerms(charset);
        var random = new Random(11);
        string[] pool = ["A", "^", "=", "\\", " ", "\r\n", "é", "Ж", "Ω", "א", "ก", "ﾔ", "山", "や", "丂", "홍", "张", "乗", "😀", "\uD800"];
        int encoded = 0;
        for (int n = 0; n < 500; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => pool[random.Next(pool.Length)]));
            byte[] bytes;
            try
            {
                bytes = cs.Encode(text, DicomVR.PN, DicomTags.PatientName);
            }
            catch (DicomTextException)
            {
                continue;
            }
            encoded++;
            Assert.Equal(text, cs.Decode(bytes, DicomVR.PN, DicomTags.PatientName));
        }
        Assert.True(encoded > 0, "no sample text was encodable");
    }
}
