using OtpNet;
using QRCoder;

namespace Enamel.Core.Accounts;

/// <summary>
/// RFC 6238 time-based one-time passwords (SHA-1, 6 digits, 30-second steps: what every authenticator app accepts),
/// one step of clock drift either way, and no step accepted twice (the caller stores the returned step).
/// </summary>
public sealed class TotpAuthenticator(TimeProvider time)
{
    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(20);

    /// <summary>The matched time step, or null when the code is wrong, outside ±1 step, or not newer than <paramref name="lastUsedStep"/>.</summary>
    public long? Verify(byte[] secret, string code, long lastUsedStep)
    {
        code = code.Trim().Replace(" ", "", StringComparison.Ordinal);
        if (code.Length != 6 || !code.All(char.IsAsciiDigit)) return null;
        var totp = new Totp(secret);
        if (!totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out long step, new VerificationWindow(previous: 1, future: 1))) return null;
        return step > lastUsedStep ? step : null;
    }

    /// <summary>The current code (for tests and for showing enrolment worked).</summary>
    public string Compute(byte[] secret, DateTimeOffset? at = null) => new Totp(secret).ComputeTotp((at ?? time.GetUtcNow()).UtcDateTime);

    /// <summary>The secret as an authenticator app's "enter a setup key" expects it: base32 without padding.</summary>
    public static string SecretText(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    /// <summary>The otpauth:// URI an authenticator app scans (Key Uri Format).</summary>
    public static string Uri(string issuer, string account, byte[] secret) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(issuer)}:{System.Uri.EscapeDataString(account)}" +
        $"?secret={SecretText(secret)}&issuer={System.Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period=30";

    public static string QrSvg(string otpauthUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }

    public static byte[] QrPng(string otpauthUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(4);
    }
}
