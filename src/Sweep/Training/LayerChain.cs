using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// A model that is a plain chain of layers. Every model of the trainer is one, which is what lets
/// K copies of it be fused layer by layer into one network (see Fusion/FusedNetwork).
/// </summary>
internal abstract class LayerChain : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _chain;

    protected LayerChain(string name, IReadOnlyList<nn.Module<Tensor, Tensor>> layers) : base(name)
    {
        Layers = layers;
        _chain = nn.Sequential(layers);
        RegisterComponents();
    }

    public IReadOnlyList<nn.Module<Tensor, Tensor>> Layers { get; }

    public override Tensor forward(Tensor input)
    {
        // The layers run one by one rather than through the Sequential (which only names the
        // parameters) so the first convolution's output can switch to channels-last.
        Tensor x = input;
        bool channelsLast = false;
        foreach (var layer in Layers)
        {
            x = layer.forward(x);
            if (!channelsLast && layer is Conv2d)
            {
                x = ChannelsLast.Of(x);
                channelsLast = true;
            }
        }
        return x;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chain.Dispose();
        }
        base.Dispose(disposing);
    }
}
