using System.Security.Cryptography;
using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Planning;

/// <summary>
/// Resolves a run's <c>model_file</c> against the sweep file's folder and gives it the file's
/// SHA-256, which joins the run's identity: a changed file gives new runs, an unchanged one (moved
/// or renamed) is recognised. Each file is hashed once per plan.
/// </summary>
internal sealed class ModelFiles(string sweepFolder, string displayPath)
{
    /// <summary>Larger than any model this CPU trainer would take; a wrong path to a data file stops here.</summary>
    public const long MaxBytes = 2L << 30;

    private readonly Dictionary<string, string> _hashes = new(StringComparer.Ordinal);

    public RunConfig Resolve(RunConfig config)
    {
        if (!config.ModelKind.ReadsModelFile)
        {
            // Ignored for built-in models, so one file can compare them with a TorchScript model in a grid over 'model'.
            return config with { ModelFile = "" };
        }
        if (config.ModelFile.Length == 0)
        {
            throw new SweepInputException($"{displayPath}: model: torchscript needs model_file, the path of a TorchScript file (saved from PyTorch with jit.script(model).save('model.pt')), relative to the sweep file.");
        }
        string path = Path.GetFullPath(Path.Combine(sweepFolder, config.ModelFile));
        if (!_hashes.TryGetValue(path, out string? hash))
        {
            hash = _hashes[path] = Hash(path, config.ModelFile);
        }
        return config with { ModelFile = path, ModelSha256 = hash };
    }

    private string Hash(string path, string given)
    {
        InputFile.Require(path, $"{displayPath}: model_file '{given}'", MaxBytes,
            $"{displayPath}: model_file '{given}' does not exist ({path}); the path is relative to the sweep file.",
            size => $"{displayPath}: model_file '{given}' is {size:N0} bytes, more than the {MaxBytes >> 30} GiB a model file may have; check the path.");
        var file = new FileInfo(path);
        using FileStream stream = file.OpenRead();
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
