using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Xunit;

namespace MlNet.Mlp.Tests.Trainers;

/// <summary>
/// Guards the route by which our trainers become ML.NET components (README, "How the ML.NET integration works").
/// If one of these fails after a Microsoft.ML upgrade, re-check build/Publicize.targets and the base classes we
/// override before changing the pinned version.
/// </summary>
public class MlNetIntegrationRouteTests
{
    [Fact]
    public void The_ML_NET_assemblies_are_the_pinned_5_0_1()
    {
        foreach (Assembly assembly in new[] { typeof(MLContext).Assembly, typeof(TrainerEstimatorBase<,>).Assembly, typeof(LinearBinaryModelParameters).Assembly })
        {
            string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            Assert.True(version is not null && version.StartsWith("5.0.1", StringComparison.Ordinal),
                $"{assembly.GetName().Name} is {version}; MlNet.Mlp is built against ML.NET 5.0.1's internals.");
        }
    }

    [Fact]
    public void Our_assembly_is_allowed_into_the_four_publicized_assemblies()
    {
        string[] granted = typeof(PerceptronTrainer).Assembly.GetCustomAttributes()
            .Where(a => a.GetType().FullName == "System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute")
            .Select(a => (string)a.GetType().GetProperty("AssemblyName")!.GetValue(a)!)
            .ToArray();
        Assert.Equal(new[] { "Microsoft.ML.Core", "Microsoft.ML.CpuMath", "Microsoft.ML.Data", "Microsoft.ML.StandardTrainers" }, granted.Order());
    }

    [Fact]
    public void Our_trainer_types_load_and_derive_from_ML_NET_base_classes()
    {
        // A TypeLoadException here ("overriding a method that is not visible") means IgnoresAccessChecksTo stopped working.
        Type trainer = typeof(PerceptronTrainer);
        Assert.True(trainer.BaseType!.IsGenericType);
        Assert.Equal(typeof(TrainerEstimatorBase<,>), trainer.BaseType.GetGenericTypeDefinition());
        var ml = new MLContext(seed: 1);
        Assert.NotNull(ml.BinaryClassification.Trainers.Perceptron().Info);
    }
}
