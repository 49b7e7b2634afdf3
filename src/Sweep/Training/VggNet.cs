using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// A VGG-style network (the blog's series is about VGG): the classic 11/13/16/19-layer
/// configurations of 3×3 convolutions with batch norm, scaled by a base width, with max-pooling
/// only while the feature map is at least 2 pixels, then global average pooling and one linear
/// classifier, so it fits 28×28 and 32×32 inputs alike.
/// </summary>
internal sealed class VggNet(int channels, int height, int width, int classes, string depth, int baseWidth)
    : LayerChain(nameof(VggNet), Build(channels, height, width, classes, depth, baseWidth))
{
    // Convolutions per stage; each stage doubles the width up to 8 × the base, then pools.
    private static readonly Dictionary<string, int[]> Stages = new()
    {
        ["11"] = [1, 1, 2, 2, 2],
        ["13"] = [2, 2, 2, 2, 2],
        ["16"] = [2, 2, 3, 3, 3],
        ["19"] = [2, 2, 4, 4, 4],
    };

    private static List<nn.Module<Tensor, Tensor>> Build(int channels, int height, int width, int classes, string depth, int baseWidth)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        int inChannels = channels, size = Math.Min(height, width), outChannels = baseWidth;
        foreach (int convolutions in Stages[depth])
        {
            for (int i = 0; i < convolutions; i++)
            {
                layers.Add(nn.Conv2d(inChannels, outChannels, 3, padding: 1));
                layers.Add(nn.BatchNorm2d(outChannels));
                layers.Add(nn.ReLU());
                inChannels = outChannels;
            }
            if (size >= 2)
            {
                layers.Add(nn.MaxPool2d(2));
                size /= 2;
            }
            outChannels = Math.Min(outChannels * 2, baseWidth * 8);
        }
        layers.AddRange([nn.AdaptiveAvgPool2d([1, 1]), nn.Flatten(), nn.Linear(inChannels, classes)]);
        return layers;
    }
}
