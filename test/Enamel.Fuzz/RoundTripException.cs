namespace Enamel.Dicom.Fuzz;

/// <summary>A file parsed, but what Enamel saved from it did not parse again: always a finding.</summary>
public sealed class RoundTripException(string message, Exception inner) : Exception($"{message}: {inner.Message}", inner);
