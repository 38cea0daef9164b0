Console.WriteLine("MlNet.Mlp samples");
