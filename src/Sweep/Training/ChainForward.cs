using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// Runs a chain of layers faster on CPU without changing what it computes:
/// <list type="bullet">
/// <item>activations are channels-last, starting from the input (see <see cref="ChannelsLast"/>);</item>
/// <item>a ReLU directly followed by a max-pool runs after the pool instead. max(relu(x)) equals
/// relu(max(x)) exactly, and so do the gradients (both reach the window's largest input, and only
/// when it is positive), but the ReLU then touches a quarter of the values and the pool reads
/// the convolution's output directly.</item>
/// </list>
/// The layers themselves, their parameters and their names stay as the model declares them.
/// </summary>
internal static class ChainForward
{
    /// <summary>The order in which the layers run: every (ReLU, MaxPool2d) pair swapped.</summary>
    public static IReadOnlyList<nn.Module<Tensor, Tensor>> Order(IReadOnlyList<nn.Module<Tensor, Tensor>> layers)
    {
        var order = layers.ToList();
        for (int i = 0; i + 1 < order.Count; i++)
        {
            if (order[i] is ReLU && order[i + 1] is MaxPool2d)
            {
                (order[i], order[i + 1]) = (order[i + 1], order[i]);
                i++;
            }
        }
        return order;
    }

    /// <summary>Runs layers already put in <see cref="Order"/>.</summary>
    public static Tensor Run(IReadOnlyList<nn.Module<Tensor, Tensor>> ordered, Tensor input)
    {
        // A convolution with channels-last input gives channels-last output, and so on down the chain.
        Tensor x = input.dim() == 4 ? ChannelsLast.Of(input) : input;
        foreach (var layer in ordered)
        {
            x = layer.forward(x);
        }
        return x;
    }
}
