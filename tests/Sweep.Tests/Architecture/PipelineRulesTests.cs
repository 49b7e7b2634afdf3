using System.Text.RegularExpressions;
using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Architecture;

/// <summary>
/// The rules docs/architecture.md states, checked against the compiled assembly: its table says
/// which rooms and libraries each room imports, and every type imports exactly that; the literals
/// that have one home stay there.
/// </summary>
public sealed partial class PipelineRulesTests
{
    /// <summary>Third-party libraries, by their root namespace; a namespace of any other outside library fails the map check.</summary>
    private static readonly string[] Libraries =
        ["TorchSharp", "YamlDotNet", "SkiaSharp", "Razorvine.Pickle", "Microsoft.Data.Sqlite", "Dapper", "ScottPlot", "Spectre.Console", "Npgsql"];

    private static string Source => Path.Combine(RepoPaths.Root, "src", "Sweep");

    private static readonly Lazy<IReadOnlyList<Room>> Map = new(ReadMap);

    private static readonly Lazy<IReadOnlyDictionary<(string Namespace, string Type), HashSet<string>>> Compiled =
        new(() => CompiledReferences.Of(typeof(Sweep.Kernel.Choices).Assembly.Location));

    /// <summary>One row of the map: a room (a folder, or Program.cs), the rooms it imports and the libraries it uses.</summary>
    private sealed record Room(string Name, IReadOnlyList<string> Imports, IReadOnlyList<string> Libraries);

    /// <summary>The table of docs/architecture.md, in its order.</summary>
    private static IReadOnlyList<Room> ReadMap()
    {
        string page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "architecture.md"));
        var rooms = new List<Room>();
        foreach (Match row in MapRow().Matches(page))
        {
            static IReadOnlyList<string> List(string cell) =>
                cell.Trim() == "—" ? [] : cell.Split(',').Select(c => Regex.Replace(c, @"\(.*\)", "").Trim()).ToList();
            rooms.Add(new Room(row.Groups["room"].Value + row.Groups["file"].Value, List(row.Groups["imports"].Value), List(row.Groups["libraries"].Value)));
        }
        return rooms;
    }

    /// <summary>The room a namespace of the assembly belongs to: Sweep.Cli.Display → Cli; the global namespace → Program.cs.</summary>
    private static string? RoomOf(string ns) =>
        ns == "" ? "Program.cs" : ns.StartsWith("Sweep.", StringComparison.Ordinal) ? ns.Split('.')[1] : null;

    private static string? LibraryOf(string ns) =>
        ns == "NpgsqlTypes" ? "Npgsql" // the Npgsql package's second root namespace
            : Libraries.FirstOrDefault(l => ns == l || ns.StartsWith(l + ".", StringComparison.Ordinal));

    [Test]
    public void The_map_lists_every_folder_once_and_each_room_imports_only_rooms_above_it()
    {
        var folders = Directory.GetDirectories(Source).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj"));
        var rooms = Map.Value.Select(r => r.Name).ToList();
        Assert.That(rooms, Is.Unique);
        Assert.That(rooms.Where(r => r != "Program.cs"), Is.EquivalentTo(folders), "a new top-level folder needs a row in docs/architecture.md");
        var wrong = Map.Value.SelectMany((room, i) => room.Imports.Where(import => rooms.IndexOf(import) is var at && (at < 0 || at >= i))
            .Select(import => $"{room.Name} imports {import}, which is not a room above it"));
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void Every_type_imports_only_what_its_room_may_and_every_listed_import_is_made()
    {
        var rooms = Map.Value.ToDictionary(r => r.Name);
        var used = new Dictionary<string, HashSet<string>>();
        var wrong = new List<string>();
        foreach (var ((ns, type), namespaces) in Compiled.Value)
        {
            if (RoomOf(ns) is not { } room || type.StartsWith('<'))
            {
                continue; // compiler-made helpers (regex generators, <PrivateImplementationDetails>)
            }
            Assert.That(rooms.ContainsKey(room), $"{ns}.{type} is in room {room}, which the map does not list");
            var mine = used.TryGetValue(room, out var set) ? set : used[room] = [];
            foreach (string other in namespaces.Where(n => n != "")) // "": compiler-made helpers again
            {
                string? import = RoomOf(other) is { } r && r != room ? r : LibraryOf(other);
                if (import is null && !other.StartsWith("System", StringComparison.Ordinal) && !other.StartsWith("Microsoft.", StringComparison.Ordinal)
                    && RoomOf(other) is null)
                {
                    wrong.Add($"{ns}.{type} uses {other}, a library the map does not know (add it to Libraries and to the table)");
                    continue;
                }
                if (import is null)
                {
                    continue;
                }
                mine.Add(import);
                if (!rooms[room].Imports.Contains(import) && !rooms[room].Libraries.Contains(import))
                {
                    wrong.Add($"{ns}.{type} ({room}) uses {other}, which docs/architecture.md does not allow {room}");
                }
            }
        }
        Assert.That(wrong.Distinct(), Is.Empty);
        var claimed = Map.Value.SelectMany(r => r.Imports.Concat(r.Libraries).Where(i => !used.GetValueOrDefault(r.Name, []).Contains(i)).Select(i => $"{r.Name} lists {i} but never uses it"));
        Assert.That(claimed, Is.Empty, "the map shows only the imports the code makes");
    }

    [Test]
    public void Only_Reporting_Figures_draws_and_only_the_image_decoder_decodes()
    {
        var wrong = Compiled.Value
            .Where(t => t.Value.Any(n => LibraryOf(n) is "ScottPlot" or "SkiaSharp"))
            .Where(t => t.Key.Namespace != "Sweep.Reporting.Figures" && t.Key != ("Sweep.Data", "ImageDecoder"))
            .Select(t => $"{t.Key.Namespace}.{t.Key.Type}");
        Assert.That(wrong, Is.Empty);
    }

    /// <summary>One training step for every loop: the single-run trainer, fused packs and the LR range test.</summary>
    [Test]
    public void Only_TrainingStep_steps_an_optimizer()
    {
        var files = CodeOf("Training").Concat(CodeOf("Running"))
            .Where(f => OptimizerStep().IsMatch(f.Code) && f.File != Path.Combine("Training", "TrainingStep.cs"))
            .Select(f => $"{f.File}: {OptimizerStep().Match(f.Code).Value}");
        Assert.That(files, Is.Empty);
        // Backward without a step: the noise scale's gradients and the warm-up before parallel runs; nothing else.
        var backward = CodeOf("Training").Where(f => f.Code.Contains(".backward()", StringComparison.Ordinal)).Select(f => f.File);
        Assert.That(backward, Is.EquivalentTo(new[]
        {
            Path.Combine("Training", "TrainingStep.cs"), Path.Combine("Training", "GradientNoiseScale.cs"), Path.Combine("Training", "TorchDevice.cs"),
        }));
    }

    [Test]
    public void Run_status_texts_live_only_where_they_are_mapped()
    {
        var files = Folders.SelectMany(CodeOf)
            .Where(f => StatusLiteral().IsMatch(f.Code) && f.File != Path.Combine("Kernel", "RunStatus.cs"))
            .Select(f => $"{f.File}: {StatusLiteral().Match(f.Code).Value}");
        Assert.That(files, Is.Empty);
    }

    [Test]
    public void The_default_database_path_is_written_once()
    {
        var files = Folders.SelectMany(CodeOf).Where(f => f.Code.Contains("results/results.db", StringComparison.Ordinal)).Select(f => f.File);
        Assert.That(files, Is.EquivalentTo(new[] { Path.Combine("Kernel", "OutputLayout.cs") }));
    }

    /// <summary>
    /// TorchSharp 0.107 makes every generator on the CPU and returns a bad handle when one meets a
    /// CUDA factory call, so seeded draws happen in one place, on the CPU, and move to the device.
    /// </summary>
    [Test]
    public void Only_EpochRandom_passes_a_generator_to_torch()
    {
        var files = Folders.SelectMany(CodeOf)
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

    private static IEnumerable<string> Folders => Map.Value.Where(r => r.Name != "Program.cs").Select(r => r.Name);

    /// <summary>Each C# file of a folder (path relative to src/Sweep), with comments removed.</summary>
    private static IEnumerable<(string File, string Code)> CodeOf(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs", SearchOption.AllDirectories)
            .Select(path => (Path.GetRelativePath(Source, path), Comment().Replace(File.ReadAllText(path), "")));

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comment();

    /// <summary>A map row: | `Room/` or `Program.cs` | what lives there | may import | libraries |.</summary>
    [GeneratedRegex(@"^\| `(?<room>[A-Za-z]+)/?(?<file>\.cs)?` \|[^\n]*\| (?<imports>[^|\n]+) \| (?<libraries>[^|\n]+) \|$", RegexOptions.Multiline)]
    private static partial Regex MapRow();

    [GeneratedRegex(@"\boptimizer\.Step\(\)|\.backward\(\)[^;]*;\s*\w+\.Step\(\)")]
    private static partial Regex OptimizerStep();

    [GeneratedRegex(@"\bgenerator:|new\s+Generator\(|\bGenerator\s+\w+\s*[,)=]")]
    private static partial Regex GeneratorUse();

    [GeneratedRegex("\"(running|completed|diverged|failed|interrupted)\"")]
    private static partial Regex StatusLiteral();
}
