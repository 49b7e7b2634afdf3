using Sweep.Kernel;
using Sweep.Spec;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>Builds the model a run names, shaped for its data set, with seeded initial weights.</summary>
internal static class ModelFactory
{
    // TorchSharp's weight initialisers draw from the global generator only, so seeding it and
    // building the model must not interleave with another thread doing the same.
    private static readonly Lock InitGate = new();

    public static nn.Module<Tensor, Tensor> Create(RunConfig config, DatasetInfo data, Device device)
    {
        lock (InitGate)
        {
            manual_seed(config.Seed);
            nn.Module<Tensor, Tensor> model = config.Model switch
            {
                "small-cnn" => new SmallCnn(data.Channels, data.Height, data.Width, data.Classes),
                "seed-cnn" => new SeedCnn(data.Channels, data.Height, data.Width, data.Classes, config.FinalRelu),
                "vgg" => new VggNet(data.Channels, data.Height, data.Width, data.Classes, config.VggDepth, config.VggWidth),
                "torchscript" => TorchScript(config, data, device),
                _ => throw new SweepInputException($"Unknown model '{config.Model}'; known: {string.Join(", ", Choices.Models)}."),
            };
            return model.to(device);
        }
    }

    /// <summary>
    /// The smallest image side a built-in model takes: each 2×2 pooling halves it and the classifier
    /// needs at least one pixel left (VGG pools only while the image is larger than 1). Null: the
    /// model is checked by running it (TorchScript).
    /// </summary>
    public static int? SmallestSide(string model) => model switch
    {
        "small-cnn" => 4,
        "seed-cnn" => 8,
        "vgg" => 1,
        _ => null,
    };

    /// <summary>
    /// Seeds libtorch's global generator, under the same lock as model building (which seeds it
    /// too): a TorchScript model's dropout draws from it, so the trainer seeds it at every epoch
    /// from the run's seed and a resumed run repeats the uninterrupted one.
    /// </summary>
    public static void SeedGlobalGenerator(ulong seed)
    {
        lock (InitGate)
        {
            manual_seed(unchecked((long)seed));
        }
    }

    private static TorchScriptNetwork TorchScript(RunConfig config, DatasetInfo data, Device device)
    {
        var network = TorchScriptNetwork.Load(config.ModelFile, device, data);
        if (network.NeedsRowMajorActivations)
        {
            Native.OneDnnConvolutions.Disable(); // process-wide; TorchScriptCheck says so before training
        }
        if (config.Init == "seed")
        {
            network.Reinitialise(); // from the generator seeded above with the run's seed
        }
        return network;
    }

    public static long ParameterCount(nn.Module<Tensor, Tensor> model) =>
        model.parameters().Sum(p => p.numel());
}
