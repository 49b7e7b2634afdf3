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
    private readonly IReadOnlyList<nn.Module<Tensor, Tensor>> _order;

    protected LayerChain(string name, IReadOnlyList<nn.Module<Tensor, Tensor>> layers) : base(name)
    {
        Layers = layers;
        _order = ChainForward.Order(layers);
        _chain = nn.Sequential(layers);
        RegisterComponents();
    }

    public IReadOnlyList<nn.Module<Tensor, Tensor>> Layers { get; }

    // The Sequential only names the parameters; the layers run in ChainForward's faster order.
    public override Tensor forward(Tensor input) => ChainForward.Run(_order, input);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chain.Dispose();
        }
        base.Dispose(disposing);
    }
}
