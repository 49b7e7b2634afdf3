using System.Globalization;
using SkiaSharp;

namespace Sweep.Data;

/// <summary>
/// Decodes one image file with SkiaSharp (already in the build through ScottPlot) into channel
/// planes of a square: the centred square of the image's shorter side, scaled to the side asked
/// for — torchvision's Resize(side) + CenterCrop(side). Like PIL's <c>convert("RGB")</c>, alpha
/// is dropped (not blended) and grayscale is the ITU-R 601-2 luma PIL uses, so a PyTorch user's
/// pixels and ours agree up to resampling.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>A decoded image may not have more pixels than this (a guard against decompression bombs).</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>The image's width and height from its header, or a problem text.</summary>
    public static (int Width, int Height, string? Problem) SizeOf(string path)
    {
        using SKCodec? codec = Open(path, out string? problem);
        return codec == null ? (0, 0, problem) : (codec.Info.Width, codec.Info.Height, null);
    }

    /// <summary>Writes <paramref name="channels"/> planes of side × side bytes; returns what is wrong with the file, or null.</summary>
    public static string? DecodeInto(string path, int side, int channels, Span<byte> planes)
    {
        using SKCodec? codec = Open(path, out string? problem);
        if (codec == null)
        {
            return problem;
        }
        int width = codec.Info.Width, height = codec.Info.Height;
        if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
        {
            return string.Create(CultureInfo.InvariantCulture, $"is {width}×{height} pixels; Sweep decodes images of at most {MaxPixels / 1_000_000} megapixels");
        }
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var full = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, full.GetPixels());
        if (result != SKCodecResult.Success)
        {
            return $"does not decode completely ({result}): the file is damaged or cut short";
        }
        DropAlpha(full);
        int crop = Math.Min(width, height);
        using var square = new SKBitmap();
        if (!full.ExtractSubset(square, SKRectI.Create((width - crop) / 2, (height - crop) / 2, crop, crop)))
        {
            return "could not be cropped to a square";
        }
        using var scaled = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!square.ScalePixels(scaled, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
        {
            return "could not be scaled";
        }
        ToPlanes(scaled, channels, planes);
        return null;
    }

    private static SKCodec? Open(string path, out string? problem)
    {
        SKCodec? codec = SKCodec.Create(path, out SKCodecResult result);
        problem = codec == null ? $"does not decode as an image ({result})" : null;
        return codec;
    }

    private static void DropAlpha(SKBitmap bitmap)
    {
        Span<byte> pixels = bitmap.GetPixelSpan();
        for (int i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }
    }

    private static void ToPlanes(SKBitmap bitmap, int channels, Span<byte> planes)
    {
        ReadOnlySpan<byte> pixels = bitmap.GetPixelSpan();
        int side = bitmap.Width, area = side * side, rowBytes = bitmap.RowBytes;
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                int at = y * rowBytes + x * 4, i = y * side + x;
                byte r = pixels[at], g = pixels[at + 1], b = pixels[at + 2];
                if (channels == 1)
                {
                    // PIL's L = R·299/1000 + G·587/1000 + B·114/1000, in its fixed-point form.
                    planes[i] = (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
                }
                else
                {
                    planes[i] = r;
                    planes[area + i] = g;
                    planes[2 * area + i] = b;
                }
            }
        }
    }
}
