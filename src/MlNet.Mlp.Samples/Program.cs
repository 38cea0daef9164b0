using MlNet.Mlp.Samples;

if (args.Length > 0 && args[0] is "--help" or "-h")
{
    Console.WriteLine("""
        MlNet.Mlp samples: a tour of the Perceptron and MLP trainers on data shipped in data/.

        usage: dotnet run --project src/MlNet.Mlp.Samples -c Release [--help]

        With no arguments, runs every sample in order.
        """);
    return 0;
}
if (args.Length > 0)
{
    Console.Error.WriteLine($"Unknown argument '{args[0]}'. Run with --help to see the options.");
    return 2;
}

PerceptronLogicGatesSample.Run();
PerceptronBreastCancerSample.Run();
MlpDigitsSample.Run();
MlpDiabetesSample.Run();
SaveAndLoadSample.Run();
return 0;
