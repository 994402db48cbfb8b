using Enamel.Core.Errors;

namespace Enamel.Server.Hosting;

/// <summary>
/// A command was pointed at a folder that is not an Enamel data folder (missing, empty, no master.key or no database):
/// only <c>enamel serve</c> and <c>enamel init</c> create one, so nothing was created.
/// </summary>
public sealed class NotADataFolderException(string path, string why)
    : EnamelException($"{path} is not an Enamel data folder ({why}); check --data or Enamel:DataDirectory, or create one with enamel init")
{
    public string Path { get; } = path;
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override string Code => "not-a-data-folder";
}
