using MlNet.Mlp.Samples;

// The samples tour (no arguments), the README's quickstart, or the Fashion-MNIST job. Exit codes: 0 done,
// 2 bad arguments, 3 Fashion-MNIST files missing.
const string Usage = """
    MlNet.Mlp samples: the Perceptron and MLP trainers in ML.NET pipelines.

    usage: dotnet run --project src/MlNet.Mlp.Samples -c Release [-- OPTIONS]

      (no options)              the tour, on data shipped in data/ (seconds):
                                  1. perceptron on AND, OR, XOR; an MLP on XOR
                                  2. perceptron on breast cancer, 5-fold cross-validation
                                  3. MLP on digits with early stopping, progress, confusion matrix, learning-curve PNG
                                  4. MLP regression on diabetes, 5-fold cross-validation
                                  5. learning rate × hidden units chosen by 5-fold cross-validation
                                  6. the chosen model saved as .zip, loaded back, predictions
                                  7. the chosen model exported to ONNX and scored with ONNX Runtime
                                  8. the notes' half adder: an MLP with two sigmoid outputs (multi-label)
                                  9. multi-output regression on Linnerud, 5-fold cross-validation
      --quickstart              only the README's quickstart
      --dataset fashion-mnist   MLP 784-256-10 on Fashion-MNIST for 20 epochs, then test accuracy
      --path DIR                where the Fashion-MNIST IDX files are (default /usr/share/datasets/fashion-mnist;
                                apt-get install -y dataset-fashion-mnist puts them there)
      -h, --help                this text
    """;

string? dataset = null, path = null;
bool quickstart = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-h" or "--help":
            Console.WriteLine(Usage);
            return 0;
        case "--quickstart":
            quickstart = true;
            break;
        case "--dataset" or "--path" when i + 1 == args.Length:
            return BadArguments($"{args[i]} needs a value.");
        case "--dataset":
            dataset = args[++i];
            if (dataset != "fashion-mnist")
                return BadArguments($"Unknown dataset '{dataset}'; the only one is fashion-mnist.");
            break;
        case "--path":
            path = args[++i];
            break;
        default:
            return BadArguments($"Unknown argument '{args[i]}'.");
    }
}
if (path is not null && dataset is null)
    return BadArguments("--path goes with --dataset fashion-mnist.");
if (quickstart && dataset is not null)
    return BadArguments("Choose --quickstart or --dataset, not both.");

if (dataset is not null)
    return FashionMnistSample.Run(path ?? FashionMnistSample.DefaultDirectory);
if (quickstart)
{
    QuickstartSample.Run();
    return 0;
}

PerceptronLogicGatesSample.Run();
PerceptronBreastCancerSample.Run();
MlpDigitsSample.Run();
MlpDiabetesSample.Run();
var mlContext = new Microsoft.ML.MLContext(seed: 1);
var breastCancer = DataFiles.LoadBreastCancer(mlContext);
var tuned = CrossValidationTuningSample.Run(mlContext, breastCancer);
SaveAndLoadSample.Run(mlContext, tuned, breastCancer);
OnnxExportSample.Run(mlContext, tuned, breastCancer);
MlpHalfAdderSample.Run();
MlpLinnerudSample.Run();
return 0;

static int BadArguments(string message)
{
    Console.Error.WriteLine($"{message} Run with --help to see the options.");
    return 2;
}
