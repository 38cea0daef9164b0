using System.Runtime.CompilerServices;

// MlNet.Mlp compiles against publicized copies of these ML.NET assemblies (build/Publicize.targets) so that its
// trainers and models can derive from ML.NET's own base classes and save into ML.NET's .zip format. At run time
// the real assemblies load; this attribute, which CoreCLR honours, lets our types use and override their
// non-public members. Without it the first type load fails with
// "TypeLoadException: ... overriding a method that is not visible".
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Data")]
[assembly: IgnoresAccessChecksTo("Microsoft.ML.StandardTrainers")]
[assembly: IgnoresAccessChecksTo("Microsoft.ML.CpuMath")]

namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Known to the runtime but not declared by the BCL: an assembly that carries it may access non-public
    /// members of the named assembly.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        public string AssemblyName { get; }
    }
}
