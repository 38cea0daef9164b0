namespace MlNet.Mlp.Engine;

/// <summary>How features are scaled before training (<see cref="FeatureStandardizer"/>, <see cref="RobustFeatureScaling"/>). Values are fixed.</summary>
public enum FeatureScalingKind
{
    /// <summary>As they are.</summary>
    None = 0,
    /// <summary>Mean 0, standard deviation 1, folded into the first layer afterwards.</summary>
    Standardize = 1,
    /// <summary>Median, interquartile range and a smooth clip, kept as the network's input stage.</summary>
    Robust = 2,
}
