namespace Sweep.Kernel;

/// <summary>
/// A mistake in what the user gave us (a sweep file, an argument, missing data). The message is
/// one sentence saying what, where and how to fix it; the CLI prints it and exits with code 2.
/// </summary>
internal sealed class SweepInputException(string message) : Exception(message);
