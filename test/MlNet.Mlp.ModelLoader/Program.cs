using Microsoft.ML;
using MlNet.Mlp.ModelLoader;

// Usage: MlNet.Mlp.ModelLoader <model.zip> <data.idv> <scores.txt>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: MlNet.Mlp.ModelLoader <model.zip> <data.idv> <scores.txt>");
    return 2;
}

var mlContext = new MLContext(seed: 0);
ITransformer model = mlContext.Model.Load(args[0], out _);
IDataView data = mlContext.Data.LoadFromBinary(args[1]);
File.WriteAllLines(args[2], ScoreFormatter.Format(model.Transform(data)));
return 0;
