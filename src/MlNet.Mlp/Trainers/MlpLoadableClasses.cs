using Microsoft.ML;
using MlNet.Mlp;

// Loaders for mlContext.Model.Load: each signature is written into the .zip by the model's VersionInfo.
[assembly: LoadableClass(typeof(MlpBinaryModelParameters), null, typeof(SignatureLoadModel),
    "MlNet.Mlp binary MLP", MlpBinaryModelParameters.LoaderSignature)]
[assembly: LoadableClass(typeof(MlpMulticlassModelParameters), null, typeof(SignatureLoadModel),
    "MlNet.Mlp multiclass MLP", MlpMulticlassModelParameters.LoaderSignature)]
[assembly: LoadableClass(typeof(MlpRegressionModelParameters), null, typeof(SignatureLoadModel),
    "MlNet.Mlp regression MLP", MlpRegressionModelParameters.LoaderSignature)]
[assembly: LoadableClass(typeof(MlpMultiOutputModelParameters), null, typeof(SignatureLoadModel),
    "MlNet.Mlp multi-output regression MLP", MlpMultiOutputModelParameters.LoaderSignature)]
[assembly: LoadableClass(typeof(MlpMultiLabelModelParameters), null, typeof(SignatureLoadModel),
    "MlNet.Mlp multi-label MLP", MlpMultiLabelModelParameters.LoaderSignature)]
