import Engine
import Foundation

/// Inline SVG charts for the report, drawn as text: time series with the operator's actions marked,
/// and distributions on a log axis with their percentiles marked. No script, no external resource.
enum SVGChart {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]
    static let width = 960.0
    static let height = 240.0
    static let margin = (left: 64.0, right: 16.0, top: 12.0, bottom: 28.0)
    /// Points drawn per line at most.
    static let maxPoints = 880

    struct Series {
        var label: String
        var values: [Double]
    }

    /// A line chart over `times` (seconds since the start): one polyline per series, a y scale from 0
    /// to the largest value, minutes (or hours) along x, and a dashed labelled line per action.
    static func lines(_ series: [Series], times: [Double], duration: Double, unit: String, actions: [OperatorAction]) -> String {
        // No more points than the plot has pixels: neighbours are averaged (the timeline's own
        // downsampling keeps 2,048 at most; a long run's report stays small).
        let stride = max(1, (times.count + maxPoints - 1) / maxPoints)
        let times = Swift.stride(from: 0, to: times.count, by: stride).map { times[$0] }
        let series = series.map { line in
            Series(label: line.label, values: Swift.stride(from: 0, to: line.values.count, by: stride).map { start in
                let slice = line.values[start..<min(line.values.count, start + stride)]
                return slice.reduce(0, +) / Double(slice.count)
            })
        }
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let span = max(duration, times.last.map { $0 + 1 } ?? 1, 1)
        let ticks = yTicks(series.flatMap(\.values).max() ?? 0)
        let peak = ticks.last ?? 1
        func x(_ time: Double) -> Double { margin.left + time / span * plotWidth }
        func y(_ value: Double) -> Double { margin.top + plotHeight - (peak > 0 ? value / peak : 0) * plotHeight }
        var svg = open()
        svg += grid(ticks: ticks, unit: unit, span: span, x: x, y: y)
        for (index, line) in series.enumerated() where !line.values.isEmpty {
            let points = zip(times, line.values).map { "\(format(x($0))),\(format(y($1)))" }.joined(separator: " ")
            svg += #"<polyline class="series" fill="none" stroke="\#(palette[index % palette.count])" stroke-width="1.5" points="\#(points)"><title>\#(escape(line.label))</title></polyline>"#
        }
        svg += marks(actions, x: x, top: margin.top, bottom: margin.top + plotHeight)
        return svg + "</svg>" + legend(series.map(\.label))
    }

    /// Bars over the occupied log bins of `distribution`, with p50, p90 and p99 as labelled lines.
    static func distribution(_ distribution: Distribution, percentiles: Percentiles) -> String {
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        guard let range = Distribution.shownBins(distribution.counts, minimum: 24) else { return #"<p class="empty">no answers</p>"# }
        let bins = Array(range)
        let peak = Double(bins.map { distribution.counts[$0] }.max() ?? 1)
        let barWidth = plotWidth / Double(bins.count)
        let low = Distribution.lowerEdge(of: bins[0])
        let high = Distribution.lowerEdge(of: bins[bins.count - 1] + 1)
        func x(_ seconds: Double) -> Double {
            guard low > 0 else { return margin.left + Double(Distribution.bin(of: seconds) - bins[0]) * barWidth }
            return margin.left + log(max(seconds, low) / low) / log(high / low) * plotWidth
        }
        var svg = open()
        svg += #"<line class="axis" x1="\#(format(margin.left))" y1="\#(format(margin.top + plotHeight))" x2="\#(format(width - margin.right))" y2="\#(format(margin.top + plotHeight))"/>"#
        for (position, bin) in bins.enumerated() {
            let count = Double(distribution.counts[bin])
            let barHeight = count / peak * plotHeight
            let left = margin.left + Double(position) * barWidth
            svg += #"<rect class="bar" x="\#(format(left + 1))" y="\#(format(margin.top + plotHeight - barHeight))" width="\#(format(max(1, barWidth - 2)))" height="\#(format(barHeight))"><title>\#(Format.binEdge(Distribution.lowerEdge(of: bin)))–\#(Format.binEdge(Distribution.lowerEdge(of: bin + 1))): \#(Int(count))</title></rect>"#
            if position % max(1, bins.count / 8) == 0 {
                svg += #"<text class="tick" x="\#(format(left))" y="\#(format(height - 8))">\#(Format.binEdge(Distribution.lowerEdge(of: bin)))</text>"#
            }
        }
        for (name, value) in [("p50", percentiles.p50), ("p90", percentiles.p90), ("p99", percentiles.p99)] {
            guard let value else { continue }
            let at = x(value)
            svg += #"<line class="percentile" x1="\#(format(at))" y1="\#(format(margin.top))" x2="\#(format(at))" y2="\#(format(margin.top + plotHeight))"/>"#
            svg += #"<text class="percentile-label" x="\#(format(at + 3))" y="\#(format(margin.top + 12 + (name == "p90" ? 14 : name == "p99" ? 28 : 0)))">\#(name) \#(Format.latency(value))</text>"#
        }
        return svg + "</svg>"
    }

    private static func open() -> String {
        #"<svg class="chart" viewBox="0 0 \#(Int(width)) \#(Int(height))" width="\#(Int(width))" height="\#(Int(height))" role="img">"#
    }

    /// Horizontal lines at the y ticks, with labels, and time ticks along x.
    private static func grid(ticks: [Double], unit: String, span: Double, x: (Double) -> Double, y: (Double) -> Double) -> String {
        var svg = ""
        for value in ticks {
            svg += #"<line class="grid" x1="\#(format(margin.left))" y1="\#(format(y(value)))" x2="\#(format(width - margin.right))" y2="\#(format(y(value)))"/>"#
            svg += #"<text class="tick" x="\#(format(margin.left - 6))" y="\#(format(y(value) + 4))" text-anchor="end">\#(escape(Format.rate(value) + unit))</text>"#
        }
        let tick = niceTick(span)
        var time = 0.0
        while time <= span {
            svg += #"<text class="tick" x="\#(format(x(time)))" y="\#(format(height - 8))" text-anchor="middle">\#(Format.clock(time))</text>"#
            time += tick
        }
        return svg
    }

    /// A dashed line and its label at each group of actions (`ActionMarks`): labels never overlap.
    private static func marks(_ actions: [OperatorAction], x: (Double) -> Double, top: Double, bottom: Double) -> String {
        ActionMarks.place(actions, x: x).map { mark in
            #"<g class="mark"><title>\#(escape(mark.detail))</title>"#
                + #"<line class="action" x1="\#(format(mark.x))" y1="\#(format(top))" x2="\#(format(mark.x))" y2="\#(format(bottom))"/>"#
                + #"<text class="action-label" x="\#(format(mark.x + 3))" y="\#(format(top + 10 + Double(mark.row) * 11))">\#(escape(mark.label))</text></g>"#
        }.joined()
    }

    private static func legend(_ labels: [String]) -> String {
        guard labels.count > 1 else { return "" }
        return #"<div class="legend">"# + labels.enumerated().map { index, label in
            #"<span><i style="background:\#(palette[index % palette.count])"></i>\#(escape(label))</span>"#
        }.joined() + "</div>"
    }

    /// The y axis's ticks from 0: steps of 1, 2 or 5 times a power of ten, four to six of them,
    /// the last at or above `peak`.
    static func yTicks(_ peak: Double) -> [Double] {
        guard peak > 0, peak.isFinite else { return [0, 0.25, 0.5, 0.75, 1] }
        let power = pow(10, floor(log10(peak / 5)))
        let step = [1.0, 2, 5, 10, 20].map { $0 * power }.first { peak / $0 <= 5 } ?? 50 * power
        let count = Int((peak / step - 1e-9).rounded(.up))
        return (0...max(1, count)).map { Double($0) * step }
    }

    /// 1, 2 or 5 times a power of ten at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = pow(10, floor(log10(value)))
        for step in [1.0, 2, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    /// Seconds between x ticks: about six ticks over `span`.
    static func niceTick(_ span: Double) -> Double {
        let candidates: [Double] = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]
        return candidates.first { span / $0 <= 7 } ?? 86400 * (span / 86400 / 6).rounded(.up)
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
