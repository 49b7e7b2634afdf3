using Sweep.Kernel;
using Sweep.Native;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// A model saved from PyTorch as TorchScript (<c>torch.jit.script(model).save(path)</c>, or a trace
/// made in eval mode), loaded with libtorch and trained like the built-in models. Its parameters
/// and buffers are the script module's, so checkpoints, <c>train()</c> / <c>eval()</c> and the
/// optimizer see them as they would a built-in model's.
/// </summary>
internal sealed class TorchScriptNetwork : nn.Module<Tensor, Tensor>
{
    private readonly jit.ScriptModule<Tensor, Tensor> script;

    private TorchScriptNetwork(jit.ScriptModule<Tensor, Tensor> module, bool channelsLastWeights) : base(nameof(TorchScriptNetwork))
    {
        script = module;
        // The script module's own tensors, registered here rather than the module itself: TorchSharp
        // 0.107 disposes a child script module and then walks into it, which throws. Names lose their
        // dots (conv.weight → conv_weight), which registration requires.
        var seen = new HashSet<nint>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            // libtorch lists a weight two layers share once per layer; PyTorch counts it once, and so
            // must the optimizer, or it would step the weight twice with two states.
            if (seen.Add(TensorIdentity.Of(parameter)))
            {
                register_parameter(name.Replace('.', '_'), channelsLastWeights ? ConvolutionLayout(RowMajor(parameter)) : RowMajor(parameter));
            }
            else
            {
                parameter.Dispose(); // this wrapper only; the tensor lives on in the module
            }
        }
        foreach (var (name, buffer) in module.named_buffers())
        {
            if (seen.Add(TensorIdentity.Of(buffer)))
            {
                register_buffer(name.Replace('.', '_'), RowMajor(buffer));
            }
            else
            {
                buffer.Dispose();
            }
        }
    }

    /// <summary>
    /// Moves a tensor stored with gaps (a slice of a wider tensor) into dense storage of its own, in
    /// place, so the script module computes with it as before: the optimizer's fused kernels walk a
    /// tensor's memory as one block. A dense tensor in another order (channels-last, transposed) is
    /// left as it is: its gradient and optimizer state get the same strides, so the walk lines up,
    /// and re-storing a channels-last convolution weight under libtorch made its backward read
    /// memory it had not written (NaN gradients whenever that memory held a NaN: deterministic
    /// mode's fill, or a freed tensor's bytes).
    /// </summary>
    private static T RowMajor<T>(T tensor) where T : Tensor
    {
        if (!IsDense(tensor))
        {
            using var noGrad = no_grad();
            using Tensor copy = tensor.contiguous();
            tensor.set_(copy);
        }
        return tensor;
    }

    /// <summary>
    /// Stores a four-dimensional weight (a convolution's) channels-last. libtorch then runs that
    /// convolution with oneDNN's channels-last kernels whatever the layout of its input, as Sweep's
    /// own models do. Its row-major (NCHW) backward computed wrong input gradients here (libtorch
    /// 2.10 on an AVX-512 CPU: 9 % off against PyTorch and against float64, different again with
    /// two threads), so every convolution after the first trained on corrupted gradients, or read
    /// unwritten memory and went NaN. The values are unchanged; checkpoints and saved models hold
    /// them row-major as before.
    /// </summary>
    private static T ConvolutionLayout<T>(T tensor) where T : Tensor
    {
        if (tensor.dim() == 4 && tensor.is_floating_point() && !ChannelsLast.IsChannelsLast(tensor))
        {
            using var noGrad = no_grad();
            using Tensor channelsLast = ChannelsLast.Of(tensor.detach());
            tensor.set_(channelsLast);
        }
        return tensor;
    }

    /// <summary>
    /// True when the model's forward needs row-major activations: it reshapes a convolution's output
    /// with .view, which fails on channels-last activations. Such a model keeps its weights as saved
    /// and trains with oneDNN switched off (<see cref="Native.OneDnnConvolutions"/>).
    /// </summary>
    public bool NeedsRowMajorActivations { get; private set; }

    /// <summary>True when the elements fill their storage span exactly, in any order of dimensions (no gaps, no overlap).</summary>
    internal static bool IsDense(Tensor tensor)
    {
        long[] shape = tensor.shape, strides = tensor.stride();
        long expected = 1;
        foreach (int d in Enumerable.Range(0, shape.Length).Where(d => shape[d] != 1).OrderBy(d => strides[d]))
        {
            if (strides[d] != expected)
            {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /// <summary>
    /// TorchSharp reads a saved tensor's bytes straight into the target, which it refuses for a
    /// weight kept channels-last or transposed: read into row-major stand-ins, then copy across.
    /// </summary>
    public override nn.Module load(BinaryReader reader, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null)
    {
        var targets = state_dict();
        using var standIn = new StateStandIn(targets);
        standIn.load(reader, strict, skip, loadedParameters);
        using var noGrad = no_grad();
        foreach (var (name, value) in standIn.state_dict())
        {
            targets[name].copy_(value);
        }
        return this;
    }

    /// <summary>Row-major tensors under the same names, shapes and types as a state dictionary.</summary>
    private sealed class StateStandIn : nn.Module
    {
        public StateStandIn(Dictionary<string, Tensor> like) : base(nameof(StateStandIn))
        {
            foreach (var (name, tensor) in like)
            {
                register_buffer(name, zeros(tensor.shape, dtype: tensor.dtype, device: tensor.device));
            }
        }
    }

    public override void train(bool train = true)
    {
        script.train(train);
        base.train(train);
    }

    public override void eval() => train(false);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            script.Dispose();
        }
    }

    /// <summary>
    /// Loads the file onto <paramref name="device"/>; a file libtorch cannot load is an input error.
    /// Given the data's shape, a model whose forward cannot take channels-last activations is
    /// loaded again with its weights as saved (<see cref="NeedsRowMajorActivations"/>).
    /// </summary>
    public static TorchScriptNetwork Load(string path, Device device, DatasetInfo? data = null)
    {
        TorchScriptNetwork network = Load(path, device, channelsLastWeights: true);
        if (data is not null && network.FailsOnChannelsLast(data, device))
        {
            network.Dispose();
            network = Load(path, device, channelsLastWeights: false);
            network.NeedsRowMajorActivations = true;
        }
        return network;
    }

    private static TorchScriptNetwork Load(string path, Device device, bool channelsLastWeights)
    {
        try
        {
            return new TorchScriptNetwork(jit.load<Tensor, Tensor>(path, device.type, device.index), channelsLastWeights);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new SweepInputException(
                $"model_file {path} is not a TorchScript model libtorch can load ({Reason(ex)}){SavedWithTorchSave(ex)}; save it from PyTorch with torch.jit.script(model).save('model.pt').");
        }
    }

    /// <summary>Runs two blank images through the model: does a .view on channels-last activations fail?</summary>
    private bool FailsOnChannelsLast(DatasetInfo data, Device device)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        try
        {
            // Eval mode, which changes no state (training mode would move batch-norm statistics);
            // three times: the graph executor profiles the first calls and runs an optimised graph
            // after them, which may lay activations out differently.
            script.eval();
            for (int call = 0; call < 3; call++)
            {
                script.forward(zeros([2, data.Channels, data.Height, data.Width], device: device));
            }
            return false;
        }
        catch (Exception ex) when (ex.Message.Contains("view size is not compatible", StringComparison.Ordinal))
        {
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false; // some other misfit: the model check names it
        }
        finally
        {
            script.train();
        }
    }

    // torch.save writes a zip like TorchScript's but without its constants: the common mix-up.
    private static string SavedWithTorchSave(Exception ex) =>
        ex.Message.Contains("constants.pkl", StringComparison.Ordinal) ? ": it looks like a file written by torch.save (a pickled model or a state_dict), which only Python can load" : "";

    /// <summary>What libtorch said, in one line: the Python-level error when there is one, without the native stack.</summary>
    public static string Reason(Exception ex)
    {
        string message = ex.Message;
        int python = message.LastIndexOf("Error: ", StringComparison.Ordinal);
        if (python > 0)
        {
            int start = message.LastIndexOf('\n', python) + 1;
            int end = message.IndexOf('\n', python);
            message = message[start..(end > 0 ? end : message.Length)];
        }
        int native = message.IndexOf("Exception raised from", StringComparison.Ordinal);
        message = (native > 0 ? message[..native] : message).ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return message.Length > 300 ? message[..300] + "…" : message;
    }

    // Images go in row-major as they come. Channels-last images would make this model as fast as
    // Sweep's own (1.09× and 1.01× of small-cnn's time instead of 1.36× and 1.70×, batch 16 and
    // 64, benchmarks/torchscript.sh), but libtorch's channels-last batch norm then ended 100 times
    // further from a float64 run than PyTorch does (ZooDifferentialTests), so accuracy wins.
    public override Tensor forward(Tensor input) => script.forward(input);

    /// <summary>
    /// <c>init: seed</c>: new weights drawn from the global generator (seeded by the caller), as
    /// PyTorch initialises Conv and Linear layers: every parameter of two or more dimensions
    /// Kaiming-uniform (a = √5), a bias uniform in ±1/√fan_in of the weight before it, a
    /// one-dimensional weight (a norm layer's scale) 1; buffers (running statistics) are reset too.
    /// </summary>
    public void Reinitialise()
    {
        using var noGrad = no_grad();
        long fanIn = 1;
        foreach (var (name, parameter) in named_parameters())
        {
            if (parameter.dim() >= 2)
            {
                fanIn = parameter.shape[1] * parameter.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
                nn.init.kaiming_uniform_(parameter, a: Math.Sqrt(5));
            }
            else if (name.EndsWith("bias", StringComparison.Ordinal))
            {
                double bound = 1 / Math.Sqrt(fanIn);
                nn.init.uniform_(parameter, -bound, bound);
            }
            else
            {
                nn.init.ones_(parameter);
            }
        }
        foreach (var (name, buffer) in named_buffers())
        {
            if (name.EndsWith("running_var", StringComparison.Ordinal))
            {
                buffer.fill_(1);
            }
            else if (buffer.is_floating_point())
            {
                buffer.zero_();
            }
        }
    }
}
