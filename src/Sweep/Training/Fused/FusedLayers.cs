using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training.Fused;

/// <summary>K linear layers as one batched matrix multiply: (K, B, in) → (K, B, out).</summary>
internal sealed class FusedLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight; // K × out × in, slice k = model k's weight
    private readonly Parameter bias;   // K × 1 × out

    public FusedLinear(IReadOnlyList<Linear> layers) : base(nameof(FusedLinear))
    {
        using (no_grad())
        {
            weight = new Parameter(stack(layers.Select(l => l.weight!.detach()).ToArray()).contiguous());
            bias = new Parameter(stack(layers.Select(l => l.bias!.detach()).ToArray()).unsqueeze(1).contiguous());
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => bmm(input, weight.transpose(1, 2)).add_(bias);
}

/// <summary>
/// Between the convolutions and the classifier: (B, K·C, h, w) → (K, B, C·h·w), so each model's
/// features become its own slice for the batched linear layers.
/// </summary>
internal sealed class FusedFlatten(int models) : nn.Module<Tensor, Tensor>(nameof(FusedFlatten))
{
    public override Tensor forward(Tensor input) =>
        input.reshape(input.shape[0], models, -1).permute(1, 0, 2);
}
