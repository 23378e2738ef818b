import Engine

/// The charts under the endpoint table on large screens: answers/s and output tokens/s over the
/// last minutes, stacked per endpoint, beside the TTFT (else latency) distribution of the selected
/// endpoint (a batch route: its batches).
enum ChartPanel {
    /// Screens at least this large show the charts.
    static let minimumWidth = 120
    static let minimumHeight = 40
    /// Lines the panel needs at the least, and uses at the most.
    static let minimumLines = 9
    static let maximumLines = 16
    static let labelWidth = 9

    /// `lines` rows (title, answers chart, tokens chart, time axis) beside the distribution.
    static func render(_ snapshot: StatsSnapshot, selected: Int, width: Int, lines: Int) -> [ScreenLine] {
        guard lines >= minimumLines, !snapshot.endpoints.isEmpty else { return [] }
        let leftWidth = width * 3 / 5
        let left = throughput(snapshot, width: leftWidth, lines: lines)
        let endpoint = snapshot.endpoints[max(0, min(selected, snapshot.endpoints.count - 1))]
        // A batch route's answers have no first token to chart: its batches are shown instead.
        let right = endpoint.control.isBatchRoute
            ? BatchPanel.table(endpoint, now: snapshot.control.wallTime, width: width - leftWidth - 2, lines: lines)
            : distribution(endpoint, width: width - leftWidth - 2, lines: lines)
        return (0..<lines).map { index in
            let leftLine = index < left.count ? left[index] : ScreenLine()
            var line = ScreenLine(leftLine.spans + [Span(String(repeating: " ", count: max(0, leftWidth - leftLine.width) + 2))])
            if index < right.count { line.spans += right[index].spans }
            return line
        }
    }

    /// The title with a legend, two stacked charts and the time axis.
    static func throughput(_ snapshot: StatsSnapshot, width: Int, lines: Int) -> [ScreenLine] {
        let plotWidth = max(10, width - labelWidth - 1)
        // The window grows with the run (a minute at least, in half minutes) up to the history kept,
        // so a young run fills the chart instead of a corner of it.
        let history = snapshot.endpoints.first?.tokens.answerHistory.count ?? 0
        let span = min(history, max(60, Int(saturating: (snapshot.elapsed / 30).rounded(.up)) * 30))
        var title = ScreenLine(" Answers/s and output tokens/s, last \(shortSpan(span))  ", .bold)
        for (index, endpoint) in snapshot.endpoints.prefix(8).enumerated() {
            let (glyph, style) = StackedChart.mark(index)
            title.append(String(glyph), style)
            title.append(" \(endpoint.name)  ")
        }
        let chartRows = lines - 3
        let answerRows = chartRows / 2
        let answers = StackedChart.render(snapshot.endpoints.map { Array($0.tokens.answerHistory.suffix(span)) }, width: plotWidth,
                                          height: answerRows, labelWidth: labelWidth, unit: "/s")
        let tokens = StackedChart.render(snapshot.endpoints.map { Array($0.tokens.tokenHistory.suffix(span)) }, width: plotWidth,
                                         height: chartRows - answerRows, labelWidth: labelWidth, unit: "")
        let tokenTitle = ScreenLine(Format.pad("", labelWidth) + "output tokens/s", .dim)
        // The axis under the drawn columns (a short history leaves the plot's left edge empty).
        let drawn = min(plotWidth, span)
        let axis = ScreenLine(Format.pad("", labelWidth + plotWidth - drawn) + timeAxis(span: span, width: drawn), .dim)
        return [title] + answers + [tokenTitle] + tokens + [axis]
    }

    /// `-3m            -2m            -1m           now`, spread over `width`.
    static func timeAxis(span: Int, width: Int) -> String {
        var characters = Array(repeating: Character(" "), count: width)
        let now = Array("now")
        if width >= now.count { characters.replaceSubrange(width - now.count..<width, with: now) }
        guard span > 0 else { return String(characters) }
        let tick = span > 150 ? 60 : span > 60 ? 30 : 10
        var seconds = tick
        while seconds < span {
            let at = width - 1 - Int(Double(seconds) / Double(span) * Double(width))
            let label = Array("-" + shortSpan(seconds))
            if at >= 0, at + label.count < width - now.count, characters[at..<at + label.count].allSatisfy({ $0 == " " }) {
                characters.replaceSubrange(at..<at + label.count, with: label)
            }
            seconds += tick
        }
        return String(characters)
    }

    /// `90s`, `3m`: whole minutes in minutes.
    static func shortSpan(_ seconds: Int) -> String {
        seconds >= 60 && seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds)s"
    }

    /// The selected endpoint's TTFT distribution when it streams, else its latency distribution.
    static func distribution(_ endpoint: EndpointSnapshot, width: Int, lines: Int) -> [ScreenLine] {
        let streamed = endpoint.tokens.streamed > 0
        let distribution = streamed ? endpoint.tokens.ttftDistribution : endpoint.latencyDistribution
        let percentiles = streamed ? endpoint.tokens.ttft : Percentiles(p50: endpoint.p50, p90: endpoint.p90, p99: endpoint.p99)
        var title = ScreenLine(streamed ? "TTFT" : "Latency", .bold)
        title.append(" · \(endpoint.name)   " + DistributionChart.describe(percentiles))
        return [title] + DistributionChart.render(distribution, marking: percentiles, width: width, height: lines - 3)
    }
}
