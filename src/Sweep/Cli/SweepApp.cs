using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Kernel;

namespace Sweep.Cli;

/// <summary>The command line: commands, exit codes and error handling in one place.</summary>
internal static class SweepApp
{
    /// <summary>The version the build stamps (Sweep.csproj), without the source-control suffix.</summary>
    public static string Version { get; } =
        (typeof(SweepApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown").Split('+')[0];

    public static int Run(string[] args, IAnsiConsole console, TextWriter stderr, CancellationTokenSource stop)
    {
        if (Native.ExternalLibTorch.Problem is { } libtorch)
        {
            stderr.WriteLine($"error: {libtorch}");
            return ExitCodes.InvalidInput;
        }
        if (!console.Profile.Capabilities.Interactive)
        {
            // Logs and pipes get whole lines, not lines wrapped at an assumed 80 columns.
            console.Profile.Width = 4096;
        }
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(IAnsiConsole), console);
        registrar.RegisterInstance(typeof(CancellationTokenSource), stop);

        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("sweep");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(console);
            config.UseStrictParsing();
            config.AddCommand<SweepCommand>("sweep")
                .WithDescription("Train every run of a sweep file's grid and record it in the results database.")
                .WithExample("sweep", "sweeps.yaml")
                .WithExample("sweep", "experiments/tiny.yaml", "--db", "results/tiny.db");
            config.AddCommand<PlanCommand>("plan")
                .WithDescription("Show the runs a sweep file expands into, which are already done, and the time left. Trains nothing.")
                .WithExample("plan", "sweeps.yaml");
            config.AddCommand<ReportCommand>("report")
                .WithDescription("Draw the loss and accuracy figures (PNG) from a results database.")
                .WithExample("report", "--out", "results/");
            config.AddCommand<CompareCommand>("compare")
                .WithDescription("Compare two results databases: the same configurations on two machines, and whether they differ beyond seed noise.")
                .WithExample("compare", "colab.db", "local.db");
            config.AddCommand<MergeCommand>("merge")
                .WithDescription("Merge shard databases into one (idempotent; keeps the most complete record of each run).")
                .WithExample("merge", "results/shards/results-0-of-3.db", "results/shards/results-1-of-3.db", "--into", OutputLayout.DefaultDatabase);
            config.AddBranch("export", export =>
            {
                export.SetDescription("Write a sweep's results where other tools read them: an Optuna study or CSV files.");
                export.AddCommand<ExportOptunaCommand>("optuna")
                    .WithDescription("Write the sweep as an Optuna 3.1 study (SQLite RDB storage) for optuna-dashboard and pandas.")
                    .WithExample("export", "optuna", "--out", "study.db", "--metric", "test_auc");
                export.AddCommand<ExportCsvCommand>("csv")
                    .WithDescription("Write runs.csv and epochs.csv (header row, invariant culture) for spreadsheets and pandas.")
                    .WithExample("export", "csv", "--out", "results/csv");
            });
            config.AddCommand<LrFindCommand>("lr-find")
                .WithDescription("LR range test: per batch size, the loss as the learning rate rises; suggests a learning rate.")
                .WithExample("lr-find", "sweeps.yaml");
            config.AddCommand<NoiseScaleCommand>("noise-scale")
                .WithDescription("Measures the gradient noise scale B_simple (McCandlish et al. 2018) at initial and saved final weights.")
                .WithExample("noise-scale", "sweeps.yaml");
            config.AddCommand<SlurmCommand>("slurm")
                .WithDescription("Write sbatch scripts that run a sweep as a Slurm job array, then merge the shards.")
                .WithExample("slurm", "sweeps.yaml", "--shards", "4", "--time", "02:00:00");
            config.AddCommand<MakeMiniDatasetCommand>("make-mini-dataset").IsHidden();
            config.SetExceptionHandler((ex, _) => ErrorReporter.Handle(ex, stderr, args));
        });
        return app.Run(args);
    }
}
