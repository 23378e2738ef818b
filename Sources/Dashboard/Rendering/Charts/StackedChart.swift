import Engine
/// A stacked column chart in block characters: one column per time step, each endpoint's part of
/// the column in its own glyph and colour, so endpoints stay apart even without colour.
///
/// Pure: series in, styled lines out. Cells are filled by what sits at their middle height, so a
/// part smaller than half a cell may not show; the y label gives the scale of the tallest column.
enum StackedChart {
    /// Glyphs by series, from the first endpoint on (then repeated with the next colours).
    static let glyphs: [Character] = ["█", "▓", "▒", "░"]
    static let colours: [Style] = [.series1, .series2, .series3, .series4, .series5]

    /// The glyph and style of series `index`: the fifth endpoint takes the first glyph in the fifth
    /// colour, so no two of the first twenty look alike.
    static func mark(_ index: Int) -> (Character, Style) {
        (glyphs[index % glyphs.count], colours[index % colours.count])
    }

    /// - Parameters:
    ///   - series: per endpoint, values per second, oldest first, all the same length.
    ///   - width: columns for the plot, after the label.
    ///   - unit: the y label's unit, e.g. `/s`.
    static func render(_ series: [[Double]], width: Int, height: Int, labelWidth: Int, unit: String) -> [ScreenLine] {
        guard width > 0, height > 0 else { return [] }
        let columns = self.columns(series, width: width)
        let peak = columns.map { $0.reduce(0, +) }.max() ?? 0
        var lines: [ScreenLine] = []
        for row in (0..<height).reversed() {
            let label = row == height - 1 ? Format.compact(Int(saturating: peak.rounded())) + unit : row == 0 ? "0" : ""
            var line = ScreenLine(Format.pad(label, labelWidth - 2, right: true) + (row == height - 1 || row == 0 ? " ┤" : " │"), .dim)
            // The middle of this row, in the units of the values.
            let middle = peak * (Double(row) + 0.5) / Double(height)
            var runs: [(String, Style)] = []
            for column in columns {
                var top = 0.0
                var cell: (Character, Style) = (" ", .normal)
                for (index, value) in column.enumerated() {
                    let bottom = top
                    top += value
                    if peak > 0, value > 0, middle >= bottom, middle < top {
                        cell = mark(index)
                        break
                    }
                }
                if let last = runs.last, last.1 == cell.1 {
                    runs[runs.count - 1].0.append(cell.0)
                } else {
                    runs.append((String(cell.0), cell.1))
                }
            }
            for (text, style) in runs { line.append(text, style) }
            lines.append(line)
        }
        return lines
    }

    /// The series as `width` columns (fewer when there are fewer values, padded with empty columns on
    /// the left): each column the mean of its share of the values, so the whole span fills the plot.
    static func columns(_ series: [[Double]], width: Int) -> [[Double]] {
        let length = series.map(\.count).min() ?? 0
        let count = min(width, length)
        let empty = Array(repeating: 0.0, count: series.count)
        guard count > 0 else { return Array(repeating: empty, count: width) }
        let filled = (0..<count).map { column in
            let from = column * length / count
            let to = max(from + 1, (column + 1) * length / count)
            return series.map { values in values[from..<to].reduce(0, +) / Double(to - from) }
        }
        return Array(repeating: empty, count: width - count) + filled
    }
}
