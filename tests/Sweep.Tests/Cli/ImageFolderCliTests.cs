using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>A sweep over the user's own images, through the real CLI.</summary>
public sealed class ImageFolderCliTests
{
    [Test]
    public void A_sweep_learns_an_image_folder_records_its_normalisation_and_decodes_it_only_once()
    {
        using var dir = new TempDir();
        ImageFolders.Shapes(dir.File("shapes"), 40, 12);
        dir.Write("s.yaml", "name: shapes\ndataset: imagefolder\ndata_dir: shapes\nimage_size: 24\nepochs: 5\nthreads: 1\ngrid:\n  lr: [0.003]\n  batch_size: [16]\n");
        string db = dir.File("results/results.db");

        CliResult first = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(first.Stdout, Does.Contain("decoding 120 + 36 images to 24×24×3").And.Contain("decoded in"));
        Assert.That(ResultsFile.Scalar<double>(db, "SELECT final_test_accuracy FROM runs"), Is.GreaterThanOrEqualTo(0.9),
            "three shapes in three colours are easy: high accuracy shows pixels and labels arrive intact");
        Assert.That(ResultsFile.Scalar<string>(db, "SELECT json_array_length(data_mean) || ',' || json_array_length(data_std) FROM runs"), Is.EqualTo("3,3"));

        dir.Write("s.yaml", File.ReadAllText(dir.File("s.yaml")).Replace("[0.003]", "[0.003, 0.001]"));
        CliResult second = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");
        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        Assert.That(second.Stdout, Does.Contain("read from the decode cache").And.Not.Contain("decoding"));
        Assert.That(second.Stdout, Does.Contain("1 already in"));
    }

    [Test]
    public void A_bad_image_stops_the_sweep_before_anything_is_written()
    {
        using var dir = new TempDir();
        ImageFolders.Shapes(dir.File("shapes"), 2, 1);
        string bad = dir.Write("shapes/test/disc/photo.jpg", "<html>not found</html>");
        dir.Write("s.yaml", "name: shapes\ndataset: imagefolder\ndata_dir: shapes\nimage_size: 16\nbatch_size: 2\ngrid:\n  lr: [0.001]\n");

        CliResult result = SweepCli.Run(dir.Path, "sweep", "s.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr.Trim(), Does.StartWith($"error: '{bad}' does not decode as an image").And.Not.Contain("\n"));
        Assert.That(File.Exists(dir.File("results/results.db")), Is.False, "nothing was written");
    }

    [Test]
    public void A_batch_larger_than_the_folder_images_too_small_for_the_model_or_a_single_class_are_input_errors()
    {
        using var dir = new TempDir();
        ImageFolders.Shapes(dir.File("shapes"), 2, 1);
        dir.Write("s.yaml", "name: shapes\ndataset: imagefolder\ndata_dir: shapes\nimage_size: 16\nbatch_size: 64\ngrid:\n  lr: [0.001]\n");

        CliResult result = SweepCli.Run(dir.Path, "sweep", "s.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("batch_size 64 is larger than the training set (6 images of image folder shapes); use a batch size of at most 6 or more images."));

        dir.Write("s.yaml", "name: shapes\ndataset: imagefolder\ndata_dir: shapes\nimage_size: 6\nbatch_size: 2\nmodel: seed-cnn\ngrid:\n  lr: [0.001]\n");
        result = SweepCli.Run(dir.Path, "sweep", "s.yaml");
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("model seed-cnn needs images of at least 8×8, but image folder shapes gives 6×6; set image_size to 8 or more"));

        foreach (string split in new[] { "train", "test" })
        {
            foreach (string other in Directory.GetDirectories(dir.File($"shapes/{split}")).Where(d => Path.GetFileName(d) != "disc"))
            {
                Directory.Delete(other, recursive: true);
            }
        }
        dir.Write("s.yaml", "name: shapes\ndataset: imagefolder\ndata_dir: shapes\nimage_size: 16\nbatch_size: 2\ngrid:\n  lr: [0.001]\n");
        result = SweepCli.Run(dir.Path, "sweep", "s.yaml");
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("image folder shapes has one class; a classifier needs at least two classes"));
        Assert.That(File.Exists(dir.File("results/results.db")), Is.False, "nothing was written");
    }
}
