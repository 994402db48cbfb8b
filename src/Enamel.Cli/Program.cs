using System.CommandLine;
using Enamel.Cli;

return EnamelCommands.Create().Parse(args).Invoke();
