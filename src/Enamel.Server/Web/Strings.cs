namespace Enamel.Server.Web;

/// <summary>
/// The pages' text: Strings.resx (English) with Strings.zh-Hant.resx and Strings.zh-Hans.resx beside it, read through
/// <c>IStringLocalizer&lt;Strings&gt;</c> (every component has it as <c>T</c>). Keys are "Area.What"; a test checks
/// that each English key has both Chinese translations and that no translation has a key English lacks.
/// </summary>
public sealed class Strings;
