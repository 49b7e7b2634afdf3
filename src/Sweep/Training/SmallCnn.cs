using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// The fast CPU default: two conv → ReLU → max-pool blocks (16 and 32 channels) and a small
/// classifier. About 0.1 M parameters on 28×28 input.
/// </summary>
internal sealed class SmallCnn(int channels, int height, int width, int classes)
    : LayerChain(nameof(SmallCnn), Build(channels, height, width, classes))
{
    private static nn.Module<Tensor, Tensor>[] Build(int channels, int height, int width, int classes) =>
    [
        nn.Conv2d(channels, 16, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * (height / 4) * (width / 4), 64), nn.ReLU(), nn.Linear(64, classes),
    ];
}
