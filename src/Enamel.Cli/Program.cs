using System.CommandLine;
using Enamel.Cli;
using Enamel.Core.Errors;

try
{
    return await EnamelCommands.Create().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (EnamelException e)
{
    // Core's error kinds, mapped once for the CLI: the message (no patient data) on stderr, a specific exit code.
    Console.Error.WriteLine($"E: {e.Message}");
    return ExitCodes.For(e);
}
catch (Exception e) when (e is not OperationCanceledException)
{
    Console.Error.WriteLine($"E: unexpected error: {e}"); // as the parser's default handler did: the full exception, exit 1
    return ExitCodes.Usage;
}
