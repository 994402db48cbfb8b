using System.Reflection;
using System.Reflection.Emit;

namespace Enamel.Architecture.Tests;

/// <summary>
/// Edges — endpoints, pages, DIMSE handlers, operations, the gate, every CLI command — ask for Core's ports and verbs;
/// only composition (<c>Enamel.Server.Hosting</c>: the data folder, <c>EnamelServices</c>, the server's start) knows the
/// concrete stores of Enamel.Storage. Read from the compiled code: every type's signatures and every method body's
/// tokens (lambdas and async state machines are nested types of the edge type, so they are read too).
/// </summary>
public sealed class EdgeDependencyTests
{
    private const string Storage = "Enamel.Storage";

    /// <summary>Namespaces allowed to name Storage's types: composition only.</summary>
    private static readonly string[] Composition = ["Enamel.Server.Hosting"];

    public static TheoryData<string> Edges() => ["Enamel.Server", "enamel"];

    [Theory]
    [MemberData(nameof(Edges))]
    public void EdgeTypes_UseNoStorageType(string assembly)
    {
        var edges = Assembly.Load(new AssemblyName(assembly)).GetTypes()
            .Where(t => t.Namespace is { } ns && !Composition.Any(c => ns == c || ns.StartsWith(c + ".", StringComparison.Ordinal)))
            .ToList();
        Assert.True(edges.Count > 20, $"only {edges.Count} edge types found in {assembly}: nothing would be checked");
        var wrong = edges.SelectMany(t => StorageUses(t).Select(use => $"{t.FullName}: {use}")).Distinct().ToList();
        Assert.True(wrong.Count == 0, "edges use Enamel.Storage directly (ask DI for Core's ports and verbs instead):\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void StorageUses_CompositionUsesStorage_IsSeen()
    {
        // The scanner itself: the composition root does use the concrete stores, so it must find them there.
        var services = Assembly.Load(new AssemblyName("Enamel.Server")).GetType("Enamel.Server.Hosting.EnamelServices", throwOnError: true)!;
        Assert.NotEmpty(StorageUses(services));
    }

    private static IEnumerable<string> StorageUses(Type type)
    {
        if (IsStorage(type.BaseType)) yield return $"derives from {type.BaseType}";
        foreach (var i in type.GetInterfaces().Where(IsStorage)) yield return $"implements {i}";
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var f in type.GetFields(all).Where(f => IsStorage(f.FieldType))) yield return $"field {f.Name} of type {f.FieldType}";
        foreach (var p in type.GetProperties(all).Where(p => IsStorage(p.PropertyType))) yield return $"property {p.Name} of type {p.PropertyType}";
        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (m is MethodInfo mi && IsStorage(mi.ReturnType)) yield return $"{m.Name} returns {mi.ReturnType}";
            foreach (var p in m.GetParameters().Where(p => IsStorage(p.ParameterType))) yield return $"{m.Name} takes {p.ParameterType}";
            foreach (var used in BodyTokens(m).Where(IsStorageMember)) yield return $"{m.Name} uses {used.DeclaringType}.{used.Name}";
        }
    }

    private static bool IsStorageMember(MemberInfo member) => member switch
    {
        Type t => IsStorage(t),
        MethodInfo m => IsStorage(m.DeclaringType) || IsStorage(m.ReturnType),
        ConstructorInfo c => IsStorage(c.DeclaringType),
        FieldInfo f => IsStorage(f.DeclaringType) || IsStorage(f.FieldType),
        _ => false,
    };

    private static bool IsStorage(Type? type)
    {
        if (type is null) return false;
        if (type.HasElementType) return IsStorage(type.GetElementType());
        if (type.IsGenericType && !type.IsGenericTypeDefinition && type.GetGenericArguments().Any(IsStorage)) return true;
        return !type.IsGenericParameter && type.Namespace is { } ns && (ns == Storage || ns.StartsWith(Storage + ".", StringComparison.Ordinal));
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The members and types a method body names (call, newobj, ldfld, ldtoken, castclass, …), resolved in the method's generic context.</summary>
    private static IEnumerable<MemberInfo> BodyTokens(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            int size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                MemberInfo? member;
                try { member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs); }
                catch (ArgumentException) { member = null; } // a token of a generic context this walk does not rebuild
                if (member is not null) yield return member;
            }
            i += size;
        }
    }
}
