using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training.Fused;

/// <summary>
/// K copies of one architecture as a single wider network (horizontal fusion, as in HFTA): the
/// first convolution produces K × its channels from the shared input, later convolutions are
/// grouped with groups = K, batch norm covers K × the channels, linear layers become one batched
/// matrix multiply over a K dimension. Nothing mixes between slices, so slice k computes exactly
/// what model k would. Built from the K separately initialised models, whose weights it copies.
/// Output: logits of shape (K, B, classes).
/// </summary>
internal sealed class FusedNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _layers;
    private readonly IReadOnlyList<nn.Module<Tensor, Tensor>> _order;

    public FusedNetwork(IReadOnlyList<nn.Module<Tensor, Tensor>> models) : base(nameof(FusedNetwork))
    {
        Count = models.Count;
        var chains = models.Select(m => (m as LayerChain)?.Layers
            ?? throw new NotSupportedException($"{m.GetType().Name} is not a chain of layers and cannot be fused")).ToList();
        var fused = new List<nn.Module<Tensor, Tensor>>();
        bool shared = true; // the input is one tensor for all models until the first convolution
        for (int i = 0; i < chains[0].Count; i++)
        {
            var column = chains.Select(c => c[i]).ToList();
            fused.Add(Fuse(column, ref shared));
        }
        _order = ChainForward.Order(fused);
        _layers = nn.Sequential(fused);
        RegisterComponents();
    }

    /// <summary>How many models are fused.</summary>
    public int Count { get; }

    /// <summary>The fused layers, in order; parameters of each are laid out slice by slice along dimension 0.</summary>
    public override Tensor forward(Tensor input) => ChainForward.Run(_order, input);

    private nn.Module<Tensor, Tensor> Fuse(IReadOnlyList<nn.Module<Tensor, Tensor>> column, ref bool shared)
    {
        int k = Count;
        nn.Module<Tensor, Tensor> layer;
        switch (column[0])
        {
            case Conv2d conv:
                long outChannels = conv.weight!.shape[0], inChannels = conv.weight.shape[1], kernel = conv.weight.shape[2];
                if (conv.stride.Any(s => s != 1) || (conv.padding?.Any(p => p != kernel / 2) ?? true) || conv.dilation.Any(d => d != 1) || conv.groups != 1)
                {
                    throw new NotSupportedException("only stride-1, 'same'-padded, ungrouped convolutions can be fused");
                }
                layer = shared
                    ? nn.Conv2d(inChannels, k * outChannels, kernel, padding: kernel / 2)
                    : nn.Conv2d(k * inChannels, k * outChannels, kernel, padding: kernel / 2, groups: k);
                shared = false;
                CopyConcatenated(column, layer);
                return layer;
            case BatchNorm2d norm:
                layer = nn.BatchNorm2d(k * norm.weight!.shape[0]);
                CopyConcatenated(column, layer);
                return layer;
            case Linear:
                return new FusedLinear(column.Cast<Linear>().ToList());
            case Flatten:
                return new FusedFlatten(k);
            case ReLU:
                return nn.ReLU();
            case MaxPool2d pool:
                return nn.MaxPool2d(pool.kernel_size[0]);
            case AdaptiveAvgPool2d:
                return nn.AdaptiveAvgPool2d([1, 1]);
            default:
                throw new NotSupportedException($"a {column[0].GetType().Name} layer cannot be fused");
        }
    }

    /// <summary>Fills every parameter and buffer of the fused layer with the models' ones, concatenated along dimension 0.</summary>
    private static void CopyConcatenated(IReadOnlyList<nn.Module<Tensor, Tensor>> column, nn.Module<Tensor, Tensor> fused)
    {
        using var noGrad = no_grad();
        var sources = column.Select(m => m.state_dict()).ToList();
        foreach (var (name, target) in fused.state_dict())
        {
            if (target.dim() == 0)
            {
                target.copy_(sources[0][name]);
                continue;
            }
            target.copy_(cat(sources.Select(s => s[name]).ToArray(), 0));
        }
    }
}
