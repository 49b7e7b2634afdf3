using System.Text.Json;
using Sweep.Data;
using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Data;

/// <summary>dataset: imagefolder, read from folders Pillow wrote and checked against Pillow's own pixels.</summary>
public sealed class ImageFolderTests
{
    [Test]
    public void Pixels_and_class_order_match_what_Pillow_and_torchvision_give()
    {
        using var dir = new TempDir();
        string root = dir.File("images");
        // Every mode Pillow writes: RGB, L, RGBA with varying alpha, palette; PNG, BMP, lossless WebP;
        // JPEG in RGB, gray and CMYK (Skia's decoder and Pillow's libjpeg agree to the byte).
        string expected = ImageFolders.Run($$"""
            import os, json, random
            from PIL import Image
            random.seed(3)
            root = {{ImageFolders.Quote(root)}}
            names = ["b", "A", "_z", "10", "9"]
            out = dict(classes=sorted(names), rgb=dict(), gray=dict())
            kinds = [("RGB", "png"), ("L", "png"), ("RGBA", "png"), ("P", "png"), ("RGB", "bmp"), ("RGBA", "webp"), ("RGB", "jpg"), ("L", "jpeg"), ("CMYK", "jpg")]
            for split in ("train", "val"):
                for ci, name in enumerate(names):
                    os.makedirs(os.path.join(root, split, name, "nested"), exist_ok=True)
                    for k, (mode, ext) in enumerate(kinds if split == "train" else kinds[:2]):
                        im = Image.frombytes("RGBA", (12, 12), bytes(random.randrange(256) for _ in range(12 * 12 * 4))).convert(mode)
                        path = os.path.join(root, split, name, "nested" if k == 5 else "", f"{k}.{ext}")
                        im.save(path, **({"lossless": True} if ext == "webp" else {}))
                        back = Image.open(path)
                        rgb = back.convert("RGB").tobytes()
                        out["rgb"][os.path.relpath(path, root)] = [rgb[c::3].hex() for c in range(3)]
                        out["gray"][os.path.relpath(path, root)] = back.convert("L").tobytes().hex()
            print(json.dumps(out))
            """);
        using JsonDocument json = JsonDocument.Parse(expected.Split('\n')[0]); // Pillow may warn on stderr after it
        ImageFolderLayout layout = ImageFolderLayout.Scan(root);

        Assert.That(layout.Classes, Is.EqualTo(json.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetString())), "torchvision's class indices");
        Assert.That(layout.TestSplit, Is.EqualTo("val"));
        Assert.That(layout.Train, Has.Count.EqualTo(45));
        foreach (int channels in new[] { 3, 1 })
        {
            var (train, test, info) = ImageFolderSource.Load(new DataRequest(KnownDatasets.ImageFolder, root, null, null, ImageChannels: channels), _ => { });
            Assert.That((info.Channels, info.Height, info.Width, info.Classes, info.TrainCount, info.TestCount), Is.EqualTo((channels, 12, 12, 5, 45, 10)));
            var files = layout.Train.Concat(layout.Test).ToList();
            for (int i = 0; i < files.Count; i++)
            {
                ImageSet set = i < train.Count ? train : test;
                int n = i < train.Count ? i : i - train.Count;
                string rel = Path.GetRelativePath(root, files[i].Path);
                string ours = Convert.ToHexStringLower(set.Pixels.AsSpan(n * set.ImageBytes, set.ImageBytes));
                string pillow = channels == 3
                    ? string.Concat(json.RootElement.GetProperty("rgb").GetProperty(rel).EnumerateArray().Select(e => e.GetString()))
                    : json.RootElement.GetProperty("gray").GetProperty(rel).GetString()!;
                Assert.That(ours, Is.EqualTo(pillow), $"{rel}, {channels} channel(s)");
                Assert.That(set.Labels[n], Is.EqualTo(files[i].Label));
            }
        }
    }

    [Test]
    public void A_wider_image_is_centre_cropped_to_a_square_then_scaled()
    {
        using var dir = new TempDir();
        string root = dir.File("images");
        ImageFolders.Run($$"""
            import os
            from PIL import Image, ImageDraw
            for split in ("train", "test"):
                os.makedirs(os.path.join({{ImageFolders.Quote(root)}}, split, "only"))
                im = Image.new("RGB", (40, 20), (0, 200, 0))
                draw = ImageDraw.Draw(im)
                draw.rectangle([0, 0, 9, 19], fill=(255, 0, 0))
                draw.rectangle([30, 0, 39, 19], fill=(0, 0, 255))
                im.save(os.path.join({{ImageFolders.Quote(root)}}, split, "only", "wide.png"))
            """);
        foreach (int? side in new int?[] { null, 10 })
        {
            var (train, _, info) = ImageFolderSource.Load(new DataRequest(KnownDatasets.ImageFolder, root, null, null, ImageSize: side), _ => { });
            int s = side ?? 20; // default: the first training image's shorter side
            Assert.That(info.Height, Is.EqualTo(s));
            Assert.That(train.Pixels[..(s * s)], Is.All.EqualTo(0), "no red: the left edge was cropped");
            Assert.That(train.Pixels[(s * s)..(2 * s * s)], Is.All.EqualTo(200), "all green");
            Assert.That(train.Pixels[(2 * s * s)..], Is.All.EqualTo(0), "no blue: the right edge was cropped");
        }
    }

    [Test]
    public void The_second_load_reads_the_cache_and_a_damaged_or_stale_cache_is_decoded_again()
    {
        using var dir = new TempDir();
        string root = dir.File("shapes");
        ImageFolders.Shapes(root, 4, 2);
        var request = new DataRequest(KnownDatasets.ImageFolder, root, null, null, ImageSize: 16);
        var notes = new List<string>();
        DatasetPair first = DatasetLoader.Load(request, notes.Add);
        Assert.That(notes, Has.Some.Contains("decoding 12 + 6 images to 16×16×3").And.Some.Contains("decoded in"));

        notes.Clear();
        DatasetPair second = DatasetLoader.Load(request, notes.Add);
        Assert.That(notes, Has.One.Contains("read from the decode cache"));
        Assert.That(second.Train.Pixels, Is.EqualTo(first.Train.Pixels));
        Assert.That(second.Test.Labels, Is.EqualTo(first.Test.Labels));
        Assert.That(second.Info.Mean, Is.EqualTo(first.Info.Mean));

        string cache = Directory.GetFiles(Path.Combine(root, ".sweep-cache")).Single();
        byte[] bytes = File.ReadAllBytes(cache);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(cache, bytes);
        notes.Clear();
        Assert.That(DatasetLoader.Load(request, notes.Add).Train.Pixels, Is.EqualTo(first.Train.Pixels));
        Assert.That(notes, Has.Some.Contains("damaged (its checksum does not match)"));

        File.WriteAllBytes(cache, bytes[..(bytes.Length - 100)]);
        notes.Clear();
        DatasetLoader.Load(request, notes.Add);
        Assert.That(notes, Has.Some.Contains("damaged (its size does not match its header)"));

        string image = Directory.GetFiles(Path.Combine(root, "train", "disc")).Order().First();
        File.SetLastWriteTimeUtc(image, DateTime.UtcNow.AddMinutes(-5));
        notes.Clear();
        DatasetLoader.Load(request, notes.Add);
        Assert.That(notes, Has.Some.Contains("the images changed since it was written"));
        Assert.That(Directory.GetFiles(Path.Combine(root, ".sweep-cache")), Is.EqualTo(new[] { cache }), "one cache per size setting, no temporary files left");
    }

    [Test]
    public void Normalisation_is_computed_per_channel_from_the_training_split()
    {
        using var dir = new TempDir();
        string root = dir.File("images");
        ImageFolders.Run($$"""
            import os
            from PIL import Image
            for split, colours in (("train", [(0, 100, 255), (255, 100, 255)]), ("test", [(7, 7, 7)])):
                for i, colour in enumerate(colours):
                    os.makedirs(os.path.join({{ImageFolders.Quote(root)}}, split, "c"), exist_ok=True)
                    Image.new("RGB", (8, 8), colour).save(os.path.join({{ImageFolders.Quote(root)}}, split, "c", f"{i}.png"))
            """);
        DatasetInfo info = DatasetLoader.Load(new DataRequest(KnownDatasets.ImageFolder, root, null, null)).Info;
        Assert.That(info.Mean, Is.EqualTo(new[] { 0.5f, 100 / 255f, 1f }).Within(1e-6));
        Assert.That(info.Std, Is.EqualTo(new[] { 0.5f, 1f, 1f }).Within(1e-6), "a channel without variation keeps scale 1");
    }
}
