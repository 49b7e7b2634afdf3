using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>A model that is a plain chain of layers, which is what lets K copies of it be fused into one.</summary>
internal interface ILayeredModel
{
    IReadOnlyList<nn.Module<Tensor, Tensor>> Layers { get; }
}
