using System.Text.RegularExpressions;
using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Architecture;

/// <summary>
/// The rules docs/architecture.md states, checked on the source: folders import only folders
/// before them in the pipeline, the spec and planning rooms never touch TorchSharp, drawing
/// libraries stay in Reporting/Figures, and the literals that have one home stay there.
/// </summary>
public sealed partial class PipelineRulesTests
{
    /// <summary>The pipeline, in the order folders may depend on one another (each only on those before it).</summary>
    private static readonly string[] Order =
        ["Native", "Kernel", "Spec", "Planning", "Data", "Storage", "Training", "Running", "Reporting", "Exporting", "Cluster", "Cli"];

    private static string Source => Path.Combine(RepoPaths.Root, "src", "Sweep");

    [Test]
    public void Every_folder_is_in_the_pipeline_order()
    {
        var folders = Directory.GetDirectories(Source).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Order();
        Assert.That(folders, Is.EquivalentTo(Order), "a new top-level folder needs a place in Order and in docs/architecture.md");
    }

    [Test]
    public void Folders_import_only_folders_before_them()
    {
        var wrong = new List<string>();
        foreach (string folder in Order)
        {
            foreach (var (file, code) in CodeOf(folder))
            {
                foreach (string used in SweepReference().Matches(code).Select(m => m.Groups[1].Value).Distinct())
                {
                    int at = Array.IndexOf(Order, used);
                    if (used != folder && at >= 0 && at > Array.IndexOf(Order, folder))
                    {
                        wrong.Add($"{file} ({folder}) uses Sweep.{used}, which comes later in the pipeline");
                    }
                }
            }
        }
        Assert.That(wrong, Is.Empty);
    }

    [TestCase("Kernel")]
    [TestCase("Spec")]
    [TestCase("Planning")]
    [TestCase("Data")]
    [TestCase("Storage")]
    [TestCase("Reporting")]
    [TestCase("Exporting")]
    [TestCase("Cli")]
    public void A_torch_free_room_never_references_TorchSharp(string folder)
    {
        var files = CodeOf(folder).Where(f => TorchReference().IsMatch(f.Code)).Select(f => f.File);
        Assert.That(files, Is.Empty);
    }

    [Test]
    public void Only_Reporting_Figures_draws_and_only_the_image_decoder_decodes()
    {
        var files = Order.SelectMany(CodeOf)
            .Where(f => (f.Code.Contains("ScottPlot", StringComparison.Ordinal) || f.Code.Contains("SkiaSharp", StringComparison.Ordinal))
                && !f.File.StartsWith(Path.Combine("Reporting", "Figures"), StringComparison.Ordinal)
                && f.File != Path.Combine("Data", "ImageDecoder.cs"))
            .Select(f => f.File);
        Assert.That(files, Is.Empty);
    }

    [Test]
    public void Run_status_texts_live_only_where_they_are_mapped()
    {
        var files = Order.SelectMany(CodeOf)
            .Where(f => StatusLiteral().IsMatch(f.Code) && f.File != Path.Combine("Kernel", "RunStatus.cs"))
            .Select(f => $"{f.File}: {StatusLiteral().Match(f.Code).Value}");
        Assert.That(files, Is.Empty);
    }

    [Test]
    public void The_default_database_path_is_written_once()
    {
        var files = Order.SelectMany(CodeOf).Where(f => f.Code.Contains("results/results.db", StringComparison.Ordinal)).Select(f => f.File);
        Assert.That(files, Is.EquivalentTo(new[] { Path.Combine("Kernel", "OutputLayout.cs") }));
    }

    [Test]
    public void The_architecture_page_names_every_folder()
    {
        string page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "architecture.md"));
        Assert.That(Order.Where(f => !page.Contains($"`{f}/`", StringComparison.Ordinal)), Is.Empty);
    }

    /// <summary>
    /// TorchSharp 0.107 makes every generator on the CPU and returns a bad handle when one meets a
    /// CUDA factory call, so seeded draws happen in one place, on the CPU, and move to the device.
    /// </summary>
    [Test]
    public void Only_EpochRandom_passes_a_generator_to_torch()
    {
        var files = Order.SelectMany(CodeOf)
            .Where(f => GeneratorUse().IsMatch(f.Code) && f.File != Path.Combine("Training", "EpochRandom.cs"))
            .Select(f => $"{f.File}: {GeneratorUse().Match(f.Code).Value}");
        Assert.That(files, Is.Empty);
        string random = CodeOf("Training").Single(f => f.File == Path.Combine("Training", "EpochRandom.cs")).Code;
        var draws = Regex.Matches(random, @"\b(randperm|randint|rand|randn|bernoulli|normal|multinomial)\((?<args>[^;]*)generator:");
        Assert.That(draws, Is.Not.Empty);
        Assert.That(draws.Where(d => !d.Groups["args"].Value.Contains("device: CPU", StringComparison.Ordinal)).Select(d => d.Value), Is.Empty,
            "every seeded draw names device: CPU");
        Assert.That(random, Does.Contain("new Generator(seed, CPU)"));
    }

    /// <summary>Each C# file of a folder (path relative to src/Sweep), with comments removed.</summary>
    private static IEnumerable<(string File, string Code)> CodeOf(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs", SearchOption.AllDirectories)
            .Select(path => (Path.GetRelativePath(Source, path), Comment().Replace(File.ReadAllText(path), "")));

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\bSweep\.([A-Z][A-Za-z0-9]*)")]
    private static partial Regex SweepReference();

    /// <summary>A using of TorchSharp, a qualified TorchSharp name, or a call such as torch.cuda.</summary>
    [GeneratedRegex(@"using\s+(static\s+)?TorchSharp|\bTorchSharp\.[A-Za-z]|\btorch\.[a-z]")]
    private static partial Regex TorchReference();

    [GeneratedRegex(@"\bgenerator:|new\s+Generator\(|\bGenerator\s+\w+\s*[,)=]")]
    private static partial Regex GeneratorUse();

    [GeneratedRegex("\"(running|completed|diverged|failed|interrupted)\"")]
    private static partial Regex StatusLiteral();
}
