using System.Collections.Frozen;
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

    /// <summary>The constructor of each model kind of <see cref="ModelCatalog"/>: the one place training learns of a model.</summary>
    internal static readonly FrozenDictionary<ModelKind, Func<RunConfig, DatasetInfo, Device, nn.Module<Tensor, Tensor>>> Constructors =
        new Dictionary<ModelKind, Func<RunConfig, DatasetInfo, Device, nn.Module<Tensor, Tensor>>>
        {
            [ModelCatalog.SmallCnn] = (_, data, _) => new SmallCnn(data.Channels, data.Height, data.Width, data.Classes),
            [ModelCatalog.SeedCnn] = (config, data, _) => new SeedCnn(data.Channels, data.Height, data.Width, data.Classes, config.FinalRelu),
            [ModelCatalog.Vgg] = (config, data, _) => new VggNet(data.Channels, data.Height, data.Width, data.Classes, config.VggDepth, config.VggWidth),
            [ModelCatalog.TorchScript] = TorchScript,
        }.ToFrozenDictionary(ReferenceEqualityComparer.Instance);

    public static nn.Module<Tensor, Tensor> Create(RunConfig config, DatasetInfo data, Device device)
    {
        lock (InitGate)
        {
            manual_seed(config.Seed);
            return Constructors[config.ModelKind](config, data, device).to(device);
        }
    }

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
