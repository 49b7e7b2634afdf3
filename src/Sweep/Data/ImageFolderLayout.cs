using System.Globalization;
using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>One image file of an image folder and the class it belongs to.</summary>
internal sealed record LabelledFile(string Path, int Label, long Bytes, DateTime ModifiedUtc);

/// <summary>
/// The files of an image folder laid out as torchvision's ImageFolder expects:
/// <c>train/&lt;class&gt;/…</c> and <c>test/&lt;class&gt;/…</c> (or <c>val/</c>). Classes are the
/// training split's folder names sorted ordinally, as Python's <c>sorted</c> does, so class
/// indices match a PyTorch user's. Every problem is found here, before any image is decoded.
/// </summary>
internal sealed record ImageFolderLayout(string Root, IReadOnlyList<string> Classes, IReadOnlyList<LabelledFile> Train,
    IReadOnlyList<LabelledFile> Test, string TestSplit)
{
    /// <summary>One image file may not be larger than this (a guard against a stray video or archive).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Labels are stored as one byte per image.</summary>
    public const int MaxClasses = 256;

    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp"];

    private static readonly string Layout = "an image folder is laid out as train/<class>/<images> and test/<class>/<images> (or val/ for the test split)";

    public static ImageFolderLayout Scan(string root)
    {
        try
        {
            return ScanFolders(root);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // A folder that cannot be listed (no permission, a vanished mount) is the user's to fix, not a crash.
            throw new SweepInputException($"the image folder '{root}' could not be listed ({ex.Message.TrimEnd('.')}); check that its folders are readable.");
        }
    }

    private static ImageFolderLayout ScanFolders(string root)
    {
        if (string.IsNullOrEmpty(root))
        {
            throw new SweepInputException($"dataset: imagefolder needs data_dir, the folder that holds train/ and test/; {Layout}.");
        }
        if (!Directory.Exists(root))
        {
            throw new SweepInputException($"data_dir '{root}' does not exist; set data_dir to the folder that holds train/ and test/ ({Layout}).");
        }
        string train = Path.Combine(root, "train");
        if (!Directory.Exists(train))
        {
            throw new SweepInputException($"'{root}' has no train/ folder; {Layout}.");
        }
        string testSplit = Directory.Exists(Path.Combine(root, "test")) ? "test" : Directory.Exists(Path.Combine(root, "val")) ? "val"
            : throw new SweepInputException($"'{root}' has no test/ or val/ folder for the test split; {Layout}.");
        var classes = ClassFolders(train);
        if (classes.Count == 0)
        {
            throw new SweepInputException($"'{train}' has no class folders; {Layout}.");
        }
        if (classes.Count > MaxClasses)
        {
            throw new SweepInputException($"'{train}' has {classes.Count} class folders; Sweep takes at most {MaxClasses} classes.");
        }
        var testClasses = ClassFolders(Path.Combine(root, testSplit));
        if (classes.Except(testClasses, StringComparer.Ordinal).FirstOrDefault() is { } onlyTrain)
        {
            throw new SweepInputException($"class '{onlyTrain}' has a folder in train/ but none in {testSplit}/ of '{root}'; every class needs a folder in both splits.");
        }
        if (testClasses.Except(classes, StringComparer.Ordinal).FirstOrDefault() is { } onlyTest)
        {
            throw new SweepInputException($"class '{onlyTest}' has a folder in {testSplit}/ but none in train/ of '{root}'; every class needs a folder in both splits.");
        }
        return new ImageFolderLayout(root, classes, FilesOf(root, "train", classes), FilesOf(root, testSplit, classes), testSplit);
    }

    /// <summary>Sub-folders, sorted ordinally; hidden ones (.ipynb_checkpoints, .sweep-cache) are not classes.</summary>
    private static List<string> ClassFolders(string split) =>
        new DirectoryInfo(split).EnumerateDirectories().Where(d => !d.Name.StartsWith('.')).Select(d => d.Name)
            .OrderBy(n => n, StringComparer.Ordinal).ToList();

    private static List<LabelledFile> FilesOf(string root, string split, IReadOnlyList<string> classes)
    {
        var files = new List<LabelledFile>();
        for (int label = 0; label < classes.Count; label++)
        {
            string folder = Path.Combine(root, split, classes[label]);
            var images = ImagesUnder(new DirectoryInfo(folder)).OrderBy(f => f.FullName, StringComparer.Ordinal).ToList();
            if (images.Count == 0)
            {
                throw new SweepInputException($"'{folder}' holds no images ({string.Join(", ", Extensions)}); every class needs at least one image in each split.");
            }
            foreach (FileInfo image in images)
            {
                // A pipe or device named like an image would block the decoder or never end; a link loop cannot be read.
                if (InputFile.Inspect(image.FullName).Kind is not InputFile.Kind.Regular and var kind)
                {
                    throw new SweepInputException(kind == InputFile.Kind.LinkLoop
                        ? $"'{image.FullName}' is a symbolic link that leads back to itself; remove it or point it at the image."
                        : $"'{image.FullName}' is not a regular file (a pipe, device, socket or folder); remove it from the image folder.");
                }
                if (image.Length > MaxFileBytes)
                {
                    throw new SweepInputException(string.Create(CultureInfo.InvariantCulture,
                        $"'{image.FullName}' is {image.Length / 1048576.0:0.#} MiB, over the {MaxFileBytes >> 20} MiB limit for one image; remove it or make it smaller."));
                }
                files.Add(new LabelledFile(image.FullName, label, image.Length, image.LastWriteTimeUtc));
            }
        }
        return files;
    }

    /// <summary>
    /// Image files at any depth below a class folder. Linked files count; linked sub-folders are
    /// not entered, since a link can lead back up and loop (the class folder itself may be a link).
    /// </summary>
    private static IEnumerable<FileInfo> ImagesUnder(DirectoryInfo folder)
    {
        foreach (FileInfo file in folder.EnumerateFiles())
        {
            if (!file.Name.StartsWith('.') && Extensions.Contains(file.Extension.ToLowerInvariant()))
            {
                yield return file;
            }
        }
        foreach (DirectoryInfo sub in folder.EnumerateDirectories())
        {
            if (!sub.Name.StartsWith('.') && sub.LinkTarget == null)
            {
                foreach (FileInfo file in ImagesUnder(sub))
                {
                    yield return file;
                }
            }
        }
    }
}
