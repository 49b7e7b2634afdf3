namespace Sweep.Reporting.Figures;

/// <summary>One PNG of the report. Two members, like an exporter: its file name and how to draw it.</summary>
internal interface IFigure
{
    string FileName { get; }

    /// <summary>Draws the figure into <paramref name="path"/>; false when the data has nothing to show.</summary>
    bool Save(ReportData data, string path);
}
