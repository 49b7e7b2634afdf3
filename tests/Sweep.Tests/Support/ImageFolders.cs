namespace Sweep.Tests.Support;

/// <summary>
/// Image folders written by Pillow (Debian's python3-pil), the writer PyTorch users' images come
/// from: PNG, JPEG and lossless WebP, RGB, grayscale and RGBA, several sizes and aspects.
/// </summary>
internal static class ImageFolders
{
    /// <summary>
    /// Three classes that are easy to tell apart — a red disc, a green square, a blue bar on a
    /// grey background at random places — so a small CNN reaches high accuracy only if every
    /// image arrives with its pixels and label intact.
    /// </summary>
    public static void Shapes(string root, int trainPerClass, int testPerClass) => Run($$"""
        import os, random
        from PIL import Image, ImageDraw
        random.seed(7)
        shapes = {"disc": (200, 40, 40), "square": (40, 200, 40), "bar": (40, 40, 200)}
        for split, n in (("train", {{trainPerClass}}), ("test", {{testPerClass}})):
            for name, colour in shapes.items():
                d = os.path.join({{Quote(root)}}, split, name)
                os.makedirs(d, exist_ok=True)
                for i in range(n):
                    w, h = random.choice([(32, 32), (30, 36), (40, 28), (33, 33)])
                    im = Image.new("RGB", (w, h), tuple(random.randint(90, 140) for _ in range(3)))
                    draw = ImageDraw.Draw(im)
                    s = random.randint(10, 14)
                    x, y = random.randint(w // 2 - s, w // 2), random.randint(h // 2 - s, h // 2)
                    if name == "disc": draw.ellipse([x, y, x + s, y + s], fill=colour)
                    elif name == "square": draw.rectangle([x, y, x + s, y + s], fill=colour)
                    else: draw.rectangle([x - 4, y + s // 3, x + s + 4, y + s // 3 + 4], fill=colour)
                    kind = i % 4
                    if kind == 0: im.save(os.path.join(d, f"{i:04d}.png"))
                    elif kind == 1: im.save(os.path.join(d, f"{i:04d}.jpg"), quality=92)
                    elif kind == 2: im.convert("L").save(os.path.join(d, f"{i:04d}.PNG"))
                    else: im.convert("RGBA").save(os.path.join(d, f"{i:04d}.webp"), lossless=True)
        """);

    /// <summary>Runs a Pillow script; the test is skipped (failed under CI) when Pillow is missing.</summary>
    public static string Run(string script)
    {
        Python.Require("PIL", "python3-pil");
        var (exit, output) = Python.Run(script, Path.GetTempPath());
        Assert.That(exit, Is.EqualTo(0), output);
        return output;
    }

    public static string Quote(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
