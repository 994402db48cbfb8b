using System.Numerics;
using System.Security.Cryptography;

namespace Enamel.Dicom;

/// <summary>Enamel's identity in files and associations, and UID generation.</summary>
public static class DicomImplementation
{
    /// <summary>Implementation Class UID (0002,0012): a 2.25 UUID-derived root of Enamel's own.</summary>
    public const string ClassUid = "2.25.201281365951609233465540141051555075154";

    /// <summary>Implementation Version Name (0002,0013), at most 16 characters.</summary>
    public const string VersionName = "ENAMEL_0_1";

    /// <summary>A new globally unique UID under the 2.25 arc (PS3.5 B.2), from 128 random bits.</summary>
    public static string NewUid()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return "2.25." + new BigInteger(bytes, isUnsigned: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
