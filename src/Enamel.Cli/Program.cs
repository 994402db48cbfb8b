using System.CommandLine;
using Enamel.Cli;

return await EnamelCommands.Create().Parse(args).InvokeAsync();
