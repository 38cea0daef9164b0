using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Samples;

/// <summary>
/// The benchmark-sized job: a 784-256-10 MLP on Fashion-MNIST (60,000 training and 10,000 test images of clothing,
/// 28×28 grey pixels, 10 classes), trained with SGD and momentum for 20 epochs.
/// </summary>
internal static class FashionMnistSample
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    private sealed class Image
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public float Class { get; set; }
    }

    /// <summary>Trains and reports test accuracy; returns the process exit code (non-zero when the files are missing).</summary>
    public static int Run(string directory)
    {
        string[] names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
        string?[] paths = names.Select(name => IdxFile.Find(directory, name)).ToArray();
        if (paths.Any(p => p is null))
        {
            Console.Error.WriteLine($"Fashion-MNIST not found in {directory}: missing {string.Join(", ", names.Where((_, i) => paths[i] is null))} (or .gz).");
            Console.Error.WriteLine("Install it with:  apt-get install -y dataset-fashion-mnist   (puts the IDX files in " + DefaultDirectory + ")");
            Console.Error.WriteLine("or download the four IDX files from https://github.com/zalandoresearch/fashion-mnist and pass --path DIR.");
            return 3;
        }

        Console.WriteLine($"== Fashion-MNIST from {directory}: MLP 784-256-10 (ReLU), SGD momentum 0.9, 20 epochs ==");
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(LoadImages(paths[0]!, paths[1]!));
        IDataView test = mlContext.Data.LoadFromEnumerable(LoadImages(paths[2]!, paths[3]!));

        var options = new MlpMulticlassTrainer.Options
        {
            HiddenLayerSizes = [256],
            Activation = MlpActivation.Relu,
            Optimizer = MlpOptimizer.Sgd,
            LearningRate = 0.05f,
            Momentum = 0.9f,
            L2Regularization = 1e-4f,
            BatchSize = 128,
            NumberOfIterations = 20,
            EarlyStopping = false,
            // The pixels are already in [0, 1]; keeping them as they are makes this the exact setting of the
            // PyTorch and scikit-learn runs in docs/benchmarks.md (standardised pixels learn faster at this η and overfit).
            FeatureScaling = MlpFeatureScaling.None,
        };
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(mlContext.MulticlassClassification.Trainers.Mlp(options));
        var model = TrainingProgress.Show(options, "fashion-mnist", () => pipeline.Fit(train));

        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(test));
        Console.WriteLine($"test accuracy {metrics.MicroAccuracy:F4}  (macro {metrics.MacroAccuracy:F4}, log-loss {metrics.LogLoss:F4})");
        return 0;
    }

    private static List<Image> LoadImages(string imagesPath, string labelsPath)
    {
        var (dimensions, pixels) = IdxFile.Read(imagesPath);
        var (_, labels) = IdxFile.Read(labelsPath);
        int count = dimensions[0], size = dimensions[1] * dimensions[2];
        if (labels.Length != count || size != 784)
            throw new InvalidDataException($"{imagesPath} holds {count} images of {size} pixels but {labelsPath} {labels.Length} labels; expected 784 pixels and one label each.");

        var images = new List<Image>(count);
        for (int i = 0; i < count; i++)
        {
            var features = new float[size];
            for (int j = 0; j < size; j++)
                features[j] = pixels[i * size + j] / 255f;   // pixels scaled to [0, 1]
            images.Add(new Image { Features = features, Class = labels[i] });
        }
        return images;
    }
}
