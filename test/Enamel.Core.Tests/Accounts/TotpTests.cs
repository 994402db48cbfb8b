using Enamel.Core.Accounts;

namespace Enamel.Core.Tests.Accounts;

public sealed class TotpTests
{
    private readonly ManualTimeProvider time = new();
    private readonly byte[] secret = TotpAuthenticator.NewSecret();

    [Fact]
    public void Verify_CurrentCode_IsAcceptedOnce()
    {
        var totp = new TotpAuthenticator(time);
        var code = totp.Compute(secret);
        var step = totp.Verify(secret, code, lastUsedStep: 0);
        Assert.NotNull(step);
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds() / 30, step);
        Assert.Null(totp.Verify(secret, code, step.Value)); // replay of the same step
    }

    [Fact]
    public void Verify_OneStepDrift_IsAccepted_TwoStepsIsNot()
    {
        var totp = new TotpAuthenticator(time);
        var previous = totp.Compute(secret, time.GetUtcNow().AddSeconds(-30));
        var older = totp.Compute(secret, time.GetUtcNow().AddSeconds(-60));
        var next = totp.Compute(secret, time.GetUtcNow().AddSeconds(30));
        Assert.NotNull(totp.Verify(secret, previous, 0));
        Assert.NotNull(totp.Verify(secret, next, 0));
        Assert.Null(totp.Verify(secret, older, 0));
        Assert.Null(totp.Verify(secret, "12345", 0));
        Assert.Null(totp.Verify(secret, "abcdef", 0));
    }

    [Fact]
    public void Uri_And_Qr_AreWhatAuthenticatorAppsScan()
    {
        var uri = TotpAuthenticator.Uri("Enamel Dental", "jdoe@north", secret);
        Assert.StartsWith("otpauth://totp/Enamel%20Dental:jdoe%40north?secret=", uri);
        Assert.Contains("&issuer=Enamel%20Dental&algorithm=SHA1&digits=6&period=30", uri);
        Assert.Contains("<svg", TotpAuthenticator.QrSvg(uri));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], TotpAuthenticator.QrPng(uri)[..4]);
    }
}
