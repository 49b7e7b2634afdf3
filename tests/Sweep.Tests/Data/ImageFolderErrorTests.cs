using Sweep.Data;
using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Data;

/// <summary>Bad image folders: each is one input error naming the file or folder and what is wrong, found before training.</summary>
public sealed class ImageFolderErrorTests
{
    private TempDir _dir = null!;
    private string _root = null!;

    [SetUp]
    public void MakeGoodFolder()
    {
        _dir = new TempDir();
        _root = _dir.File("shapes");
        ImageFolders.Shapes(_root, 2, 1);
    }

    [TearDown]
    public void Remove() => _dir.Dispose();

    [Test]
    public void An_image_that_does_not_decode_is_named()
    {
        string bad = Path.Combine(_root, "train", "square", "notes.png");
        File.WriteAllText(bad, "this is not a picture");
        Assert.That(Error(), Does.Contain($"'{bad}' does not decode as an image").And.Contain("remove or replace it"));
    }

    [Test]
    public void A_cut_short_image_is_named()
    {
        string png = Directory.GetFiles(Path.Combine(_root, "test", "bar"), "*.png").Order().First();
        byte[] bytes = File.ReadAllBytes(png);
        File.WriteAllBytes(png, bytes[..(bytes.Length * 2 / 3)]);
        Assert.That(Error(), Does.Contain($"'{png}' does not decode completely").And.Contain("damaged or cut short"));
    }

    [Test]
    public void Several_bad_images_name_the_first_in_folder_order_and_count_the_rest()
    {
        foreach (string name in new[] { "b.png", "a.jpg", "c.webp" })
        {
            File.WriteAllText(Path.Combine(_root, "train", "disc", name), "nope");
        }
        Assert.That(Error(), Does.Contain(Path.Combine(_root, "train", "disc", "a.jpg")).And.Contain("2 more images"));
    }

    [Test]
    public void A_class_missing_from_one_split_is_named()
    {
        Directory.Delete(Path.Combine(_root, "test", "square"), recursive: true);
        Assert.That(Error(), Does.Contain("class 'square' has a folder in train/ but none in test/"));
        Directory.CreateDirectory(Path.Combine(_root, "test", "square"));
        Directory.CreateDirectory(Path.Combine(_root, "test", "extra"));
        Assert.That(Error(), Does.Contain("class 'extra' has a folder in test/ but none in train/"));
    }

    [Test]
    public void An_empty_class_is_named_and_other_files_do_not_count_as_images()
    {
        string folder = Path.Combine(_root, "train", "bar");
        foreach (string file in Directory.GetFiles(folder))
        {
            File.Delete(file);
        }
        File.WriteAllText(Path.Combine(folder, "README.txt"), "labels from the lab");
        Assert.That(Error(), Does.Contain($"'{folder}' holds no images"));
    }

    [Test]
    public void A_missing_layout_says_what_the_layout_is()
    {
        Assert.That(Error(""), Does.Contain("dataset: imagefolder needs data_dir"));
        Assert.That(Error(_dir.File("nowhere")), Does.Contain("does not exist"));
        Directory.Move(Path.Combine(_root, "test"), Path.Combine(_root, "testing"));
        Assert.That(Error(), Does.Contain("has no test/ or val/ folder").And.Contain("train/<class>/<images>"));
        Directory.Move(Path.Combine(_root, "train"), Path.Combine(_root, "training"));
        Assert.That(Error(), Does.Contain("has no train/ folder"));
    }

    [Test]
    public void A_file_over_the_size_limit_is_refused_without_reading_it()
    {
        string huge = Path.Combine(_root, "train", "disc", "scan.png");
        using (var stream = File.Create(huge))
        {
            stream.SetLength(ImageFolderLayout.MaxFileBytes + 1); // sparse: nothing is written
        }
        Assert.That(Error(), Does.Contain($"'{huge}' is 64 MiB, over the 64 MiB limit"));
    }

    [Test]
    public void A_decompression_bomb_is_refused_by_its_header()
    {
        ImageFolders.Run($"""
            from PIL import Image
            Image.new("L", (9000, 6000)).save({ImageFolders.Quote(Path.Combine(_root, "train", "disc", "zz.png"))}, optimize=True)
            """);
        Assert.That(Error(), Does.Contain("is 9000×6000 pixels; Sweep decodes images of at most 50 megapixels"));
    }

    [Test]
    public void A_linked_sub_folder_is_not_entered_so_a_loop_cannot_hang_the_scan_but_a_linked_image_counts()
    {
        string disc = Path.Combine(_root, "train", "disc");
        Directory.CreateSymbolicLink(Path.Combine(disc, "loop"), Path.Combine(_root, "train"));
        File.CreateSymbolicLink(Path.Combine(disc, "linked.png"), Directory.GetFiles(Path.Combine(_root, "train", "bar"), "*.png").Order().First());
        ImageFolderLayout layout = ImageFolderLayout.Scan(_root);
        Assert.That(layout.Train.Count(f => f.Label == layout.Classes.ToList().IndexOf("disc")), Is.EqualTo(3), "its 2 images and the linked one");
    }

    [Test]
    public void A_pipe_or_a_link_loop_named_like_an_image_is_named_instead_of_blocking_the_scan()
    {
        string disc = Path.Combine(_root, "train", "disc");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(disc, "pipe.png"))!)
        {
            mkfifo.WaitForExit();
        }
        Assert.That(Error(), Does.Contain("pipe.png' is not a regular file"));

        File.Delete(Path.Combine(disc, "pipe.png"));
        File.CreateSymbolicLink(Path.Combine(disc, "a.png"), Path.Combine(disc, "b.png"));
        File.CreateSymbolicLink(Path.Combine(disc, "b.png"), Path.Combine(disc, "a.png"));
        Assert.That(Error(), Does.Contain("a.png' is a symbolic link that leads back to itself"));
    }

    [Test]
    public void Nothing_is_cached_when_an_image_is_bad()
    {
        File.WriteAllText(Path.Combine(_root, "test", "disc", "x.bmp"), "BM broken");
        Error();
        Assert.That(Directory.Exists(Path.Combine(_root, ".sweep-cache")), Is.False);
    }

    private string Error(string? root = null) =>
        Assert.Throws<SweepInputException>(() => DatasetLoader.Load(new DataRequest(KnownDatasets.ImageFolder, root ?? _root, null, null, ImageSize: 16)))!.Message;
}
