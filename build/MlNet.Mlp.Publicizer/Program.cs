using Mono.Cecil;

namespace MlNet.Mlp.Publicizer;

/// <summary>
/// Writes "publicized" copies of assemblies: every non-public type and member becomes visible to a
/// compiler that references the copy. The copies are only ever compile-time references; at run time the
/// original assemblies load and <c>IgnoresAccessChecksToAttribute</c> lets our code use what it compiled against.
/// </summary>
/// <remarks>
/// Usage: <c>MlNet.Mlp.Publicizer &lt;output-dir&gt; &lt;assembly.dll&gt;...</c>.
/// The assembly identity (name, version, public key) is left untouched: a changed identity makes the compiler
/// reject the reference (CS0012) because other references were built against the original.
/// </remarks>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: MlNet.Mlp.Publicizer <output-dir> <assembly.dll>...");
            return 2;
        }

        string outputDirectory = args[0];
        Directory.CreateDirectory(outputDirectory);
        foreach (string input in args.Skip(1))
        {
            string output = Path.Combine(outputDirectory, Path.GetFileName(input));
            Publicize(input, output);
            Console.WriteLine($"publicized {Path.GetFileName(input)} -> {output}");
        }
        return 0;
    }

    public static void Publicize(string inputPath, string outputPath)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(inputPath))!);
        using var assembly = AssemblyDefinition.ReadAssembly(inputPath,
            new ReaderParameters { AssemblyResolver = resolver, ReadingMode = ReadingMode.Immediate });

        foreach (TypeDefinition type in assembly.MainModule.Types)
            PublicizeType(type);

        // Writing to a temporary file first means an interrupted build never leaves a half-written reference.
        string temporary = outputPath + ".tmp";
        assembly.Write(temporary);
        File.Move(temporary, outputPath, overwrite: true);
    }

    private static void PublicizeType(TypeDefinition type)
    {
        if (IsLeftAlone(type))
            return;

        if (type.IsNested)
        {
            if (!type.IsNestedPublic)
                type.Attributes = (type.Attributes & ~TypeAttributes.VisibilityMask) | TypeAttributes.NestedPublic;
        }
        else if (!type.IsPublic)
        {
            type.Attributes = (type.Attributes & ~TypeAttributes.VisibilityMask) | TypeAttributes.Public;
        }

        var eventNames = new HashSet<string>(type.Events.Select(e => e.Name));
        foreach (FieldDefinition field in type.Fields)
        {
            // A field that backs an event shares its name; making it public makes every use ambiguous (CS0229).
            if (IsCompilerGenerated(field.Name) || eventNames.Contains(field.Name))
                continue;
            field.Attributes = WidenField(field.Attributes);
        }

        foreach (MethodDefinition method in type.Methods)
        {
            // Explicit interface implementations are private by design and named "Interface.Member".
            if (method.HasOverrides || IsCompilerGenerated(method.Name))
                continue;
            method.Attributes = WidenMethod(method.Attributes);
        }

        foreach (TypeDefinition nested in type.NestedTypes)
            PublicizeType(nested);
    }

    private static MethodAttributes WidenMethod(MethodAttributes attributes)
    {
        MethodAttributes access = attributes & MethodAttributes.MemberAccessMask;
        MethodAttributes widened = access switch
        {
            // "private protected" becomes "protected", so our overrides stay "protected override".
            MethodAttributes.FamANDAssem => MethodAttributes.Family,
            // "protected internal" is already protected for a derived type in another assembly.
            MethodAttributes.FamORAssem => MethodAttributes.Family,
            MethodAttributes.Family => MethodAttributes.Family,
            _ => MethodAttributes.Public,
        };
        return (attributes & ~MethodAttributes.MemberAccessMask) | widened;
    }

    private static FieldAttributes WidenField(FieldAttributes attributes)
    {
        FieldAttributes access = attributes & FieldAttributes.FieldAccessMask;
        FieldAttributes widened = access switch
        {
            FieldAttributes.FamANDAssem => FieldAttributes.Family,
            FieldAttributes.FamORAssem => FieldAttributes.Family,
            FieldAttributes.Family => FieldAttributes.Family,
            _ => FieldAttributes.Public,
        };
        return (attributes & ~FieldAttributes.FieldAccessMask) | widened;
    }

    private static bool IsLeftAlone(TypeDefinition type)
    {
        if (IsCompilerGenerated(type.Name))
            return true;
        if (type.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerGeneratedAttribute"))
            return true;
        // Polyfills (nullable attributes, IsExternalInit, ...) would clash with the framework's own public copies.
        string ns = OutermostNamespace(type);
        return ns.StartsWith("System", StringComparison.Ordinal)
            || ns.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal);
    }

    private static string OutermostNamespace(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type.Namespace;
    }

    private static bool IsCompilerGenerated(string name) => name.Contains('<') || name.Contains('$');
}
