using Spectre.Console;
using Sweep.Planning;

namespace Sweep.Cli;

/// <summary>What planning decided on the user's behalf (runs left out because they would repeat others), one line each.</summary>
internal static class PlanNotes
{
    public static void Write(IAnsiConsole console, SweepPlan plan)
    {
        foreach (string note in plan.Notes ?? [])
        {
            console.WriteLine($"note: {note}.");
        }
    }
}
