using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// The blog's network: three blocks of conv3×3 → ReLU → conv3×3 → ReLU → max-pool 2
/// (3→16→32, 32→64→128, 128→128→256), then Linear → 2048 → ReLU → 256 → ReLU → classes.
/// 9,457,962 parameters on 3×32×32 input. The blog also applied a ReLU to the logits, which
/// clips them at zero; <c>finalRelu</c> reproduces that, off by default.
/// </summary>
internal sealed class SeedCnn(int channels, int height, int width, int classes, bool finalRelu)
    : LayerChain(nameof(SeedCnn), Build(channels, height, width, classes, finalRelu))
{
    private static List<nn.Module<Tensor, Tensor>> Build(int channels, int height, int width, int classes, bool finalRelu)
    {
        List<nn.Module<Tensor, Tensor>> layers =
        [
            .. Block(channels, 16, 32), .. Block(32, 64, 128), .. Block(128, 128, 256),
            nn.Flatten(),
            nn.Linear(256 * (height / 8) * (width / 8), 2048), nn.ReLU(),
            nn.Linear(2048, 256), nn.ReLU(),
            nn.Linear(256, classes),
        ];
        if (finalRelu)
        {
            layers.Add(nn.ReLU());
        }
        return layers;
    }

    private static nn.Module<Tensor, Tensor>[] Block(int input, int hidden, int output) =>
    [
        nn.Conv2d(input, hidden, 3, padding: 1), nn.ReLU(),
        nn.Conv2d(hidden, output, 3, padding: 1), nn.ReLU(),
        nn.MaxPool2d(2),
    ];
}
