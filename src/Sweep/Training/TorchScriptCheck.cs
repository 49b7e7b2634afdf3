using Sweep.Kernel;
using Sweep.Spec;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// Checks a TorchScript model against the data set before anything is written: it loads, takes a
/// batch of two images of the data set's shape, returns one score per class for each, and gives
/// the same answer twice in eval mode (a module traced in training mode keeps its dropout on),
/// and has weights to train.
/// </summary>
internal static class TorchScriptCheck
{
    /// <returns>A note for the user when the model fits but costs speed, else null.</returns>
    public static string? Check(RunConfig config, DatasetInfo data, Device device)
    {
        string shape = $"2 × {data.Channels} × {data.Height} × {data.Width}";
        using var network = TorchScriptNetwork.Load(config.ModelFile, device, data);
        if (!network.parameters().Any(p => p.requires_grad))
        {
            throw new SweepInputException(
                $"model_file {config.ModelFile} has no trainable parameters (none, or all with requires_grad=False), so there is nothing to train; save the model with its layers' weights trainable.");
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var random = new EpochRandom(0);
        Tensor images = random.Uniform(2L * data.Channels * data.Height * data.Width, device).view(2, data.Channels, data.Height, data.Width);
        network.eval();
        Tensor scores = Forward(network, images, config, data, shape);
        if (scores.dim() != 2 || scores.shape[0] != 2 || scores.shape[1] != data.Classes)
        {
            throw new SweepInputException(
                $"model_file {config.ModelFile} returns shape [{string.Join(", ", scores.shape)}] for {shape} images of {data.Name}; it must return [2, {data.Classes}], one score per class of the data set for each image.");
        }
        if (!scores.is_floating_point())
        {
            throw new SweepInputException(
                $"model_file {config.ModelFile} returns {scores.dtype} values; it must return floating-point class scores (logits), which the loss can differentiate.");
        }
        if (scores.dtype != ScalarType.Float32)
        {
            throw new SweepInputException(
                $"model_file {config.ModelFile} returns {scores.dtype} scores; Sweep's loss and metrics take float32: end its forward with .float() (the layers inside may keep their own precision).");
        }
        if (scores.isnan().any().item<bool>())
        {
            throw new SweepInputException(
                $"model_file {config.ModelFile} returns NaN scores for {shape} random images in eval mode; check its forward for a division by zero or a NaN in its weights.");
        }
        if (!scores.allclose(Forward(network, images, config, data, shape)))
        {
            throw new SweepInputException(
                $"model_file {config.ModelFile} gives different outputs for the same images in eval mode, as a module traced in training mode does (its dropout stays on); script the model with torch.jit.script, or call model.eval() before torch.jit.trace.");
        }
        network.train();
        using var withGrad = enable_grad();
        Tensor training = Forward(network, images, config, data, shape);
        if (training.dim() != 2 || training.shape[0] != 2 || training.shape[1] != data.Classes)
        {
            throw new SweepInputException(
                $"model_file {config.ModelFile} returns shape [{string.Join(", ", training.shape)}] in training mode but [2, {data.Classes}] in eval mode; it must return one score per class of {data.Name} in both modes (an auxiliary head or a self.training branch that changes the output).");
        }
        // A forward that computes its scores without its weights trains nothing: no weight gets a gradient.
        if (!training.requires_grad)
        {
            throw new SweepInputException(
                $"model_file {config.ModelFile} computes its scores without any of its trainable weights (they get no gradient), so training cannot change what it predicts; make its forward use its layers.");
        }
        return network.NeedsRowMajorActivations
            ? $"note: model_file {config.ModelFile} reshapes convolution outputs with .view, which needs row-major activations, and libtorch's row-major convolution backward gave wrong gradients on this machine, so its convolutions train without oneDNN (slower); use torch.flatten(x, 1) or x.reshape(...) instead of x.view(...) for full speed."
            : null;
    }

    private static Tensor Forward(TorchScriptNetwork network, Tensor images, RunConfig config, DatasetInfo data, string shape)
    {
        Tensor scores;
        using (Tensor given = images.clone())
        {
            try
            {
                scores = network.forward(given);
            }
            catch (Exception ex) when (ex is InvalidCastException || ex.Message.Contains("Index was out of range", StringComparison.Ordinal) || ex is ArgumentOutOfRangeException)
            {
                throw new SweepInputException(
                    $"model_file {config.ModelFile} returns something other than one tensor (a tuple, list or dict) for {shape} images; its forward must return a single [N, {data.Classes}] tensor of class scores.");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new SweepInputException(
                    $"model_file {config.ModelFile} does not accept {data.Name} images ({shape}): {TorchScriptNetwork.Reason(ex)}; make its input fit {data.Channels} channel{(data.Channels == 1 ? "" : "s")} of {data.Height} × {data.Width} pixels.");
            }
            // Batches are views of the data set kept in memory: a forward that writes into its input would change the data for every later epoch.
            if (!given.equal(images).all().item<bool>())
            {
                throw new SweepInputException(
                    $"model_file {config.ModelFile} changes its input tensor in place (an in-place operation such as x.mul_(...), x += ... or relu(x, inplace=True) on the input), which would change the training images themselves; make its forward work on a new tensor (x = x * 2).");
            }
        }
        return scores;
    }
}
