using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// The fast CPU default: two conv → ReLU → max-pool blocks (16 and 32 channels) and a small
/// classifier. About 0.1 M parameters on 28×28 input.
/// </summary>
internal sealed class SmallCnn : nn.Module<Tensor, Tensor>, ILayeredModel
{
    private readonly Sequential _features;
    private readonly Sequential _classifier;

    public SmallCnn(int channels, int height, int width, int classes) : base(nameof(SmallCnn))
    {
        nn.Module<Tensor, Tensor>[] features =
        [
            nn.Conv2d(channels, 16, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
        ];
        int flat = 32 * (height / 4) * (width / 4);
        nn.Module<Tensor, Tensor>[] classifier = [nn.Flatten(), nn.Linear(flat, 64), nn.ReLU(), nn.Linear(64, classes)];
        Layers = [.. features, .. classifier];
        _features = nn.Sequential(features);
        _classifier = nn.Sequential(classifier);
        RegisterComponents();
    }

    public IReadOnlyList<nn.Module<Tensor, Tensor>> Layers { get; }

    public override Tensor forward(Tensor input) => _classifier.forward(_features.forward(input));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _features.Dispose();
            _classifier.Dispose();
        }
        base.Dispose(disposing);
    }
}
