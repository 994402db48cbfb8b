namespace Enamel.Core.Accounts;

/// <summary>The outcome of a sign-in; <see cref="SessionToken"/> is the secret for the cookie, shown to nobody else.</summary>
public sealed record SignInResult(SignInStatus Status, User? User = null, string? SessionToken = null);
