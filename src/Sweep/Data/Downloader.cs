using System.Security.Cryptography;
using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>
/// Downloads a file and keeps it only when its MD5 matches: the bytes go to a temporary file beside
/// the target and are renamed into place after the check, so a failed or tampered download leaves
/// nothing behind that could be mistaken for data.
/// </summary>
internal sealed class Downloader(HttpClient http)
{
    public static Downloader CreateDefault() => new(new HttpClient { Timeout = TimeSpan.FromMinutes(30) });

    public void Fetch(Uri url, string destination, string expectedMd5)
    {
        // The bytes go to a temporary file that becomes the destination only when the MD5 matches.
        try
        {
            AtomicFile.WriteVia(destination, part => Download(url, part, expectedMd5));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            throw new SweepInputException($"Could not download {url} ({ex.Message.TrimEnd('.')}); check the network, or download it by hand to {destination}.");
        }
    }

    private void Download(Uri url, string part, string expectedMd5)
    {
        string actual;
        using (HttpResponseMessage response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult())
        {
            response.EnsureSuccessStatusCode();
            using Stream body = response.Content.ReadAsStream();
            using var file = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None);
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = body.Read(buffer)) > 0)
            {
                md5.AppendData(buffer, 0, read);
                file.Write(buffer, 0, read);
            }
            file.Flush(flushToDisk: true);
            actual = Convert.ToHexStringLower(md5.GetHashAndReset());
        }
        if (!string.Equals(actual, expectedMd5, StringComparison.OrdinalIgnoreCase))
        {
            throw new SweepInputException($"The download of {url} has MD5 {actual}, not the expected {expectedMd5}; it was deleted. Try again, or check the mirror.");
        }
    }
}
