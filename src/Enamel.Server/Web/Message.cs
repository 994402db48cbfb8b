namespace Enamel.Server.Web;

/// <summary>Text to show a person, as a key of <see cref="Strings"/> and its format arguments; translated when rendered.</summary>
public sealed record Message(string Key, params object[] Args);
