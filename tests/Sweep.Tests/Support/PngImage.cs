using SkiaSharp;

namespace Sweep.Tests.Support;

/// <summary>Decodes a PNG file and measures what is drawn on it.</summary>
internal sealed class PngImage : IDisposable
{
    private readonly SKBitmap _bitmap;

    public PngImage(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} is not a PNG");
        _bitmap = SKBitmap.Decode(bytes) ?? throw new AssertionException($"{path} does not decode as an image");
    }

    public int Width => _bitmap.Width;
    public int Height => _bitmap.Height;

    /// <summary>Share of pixels in the rectangle that are clearly darker than the white background.</summary>
    public double InkFraction(int left, int top, int width, int height)
    {
        int ink = 0;
        for (int y = top; y < top + height; y++)
        {
            for (int x = left; x < left + width; x++)
            {
                SKColor c = _bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 600)
                {
                    ink++;
                }
            }
        }
        return (double)ink / (width * height);
    }

    public double InkFraction() => InkFraction(0, 0, Width, Height);

    /// <summary>Distinct colours, a cheap sign that lines of several colours were drawn.</summary>
    public int DistinctColours() => _bitmap.Pixels.Select(p => (uint)p).Distinct().Count();

    public void Dispose() => _bitmap.Dispose();
}
