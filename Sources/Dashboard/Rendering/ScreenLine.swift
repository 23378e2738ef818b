/// One line of the screen as runs of styled text: what rendering produces and the terminal draws.
public struct ScreenLine: Hashable, Sendable {
    var spans: [Span]

    init(_ spans: [Span] = []) { self.spans = spans }
    init(_ text: String, _ style: Style = .normal) { spans = [Span(text, style)] }

    /// The line's text without styles (what tests compare).
    var text: String { spans.map(\.text).joined() }
    var width: Int { spans.reduce(0) { $0 + $1.text.count } }

    mutating func append(_ text: String, _ style: Style = .normal) { spans.append(Span(text, style)) }

    /// The line cut to `width` columns.
    func clipped(to width: Int) -> ScreenLine {
        var remaining = width
        var out: [Span] = []
        for span in spans where remaining > 0 {
            let text = span.text.count > remaining ? String(span.text.prefix(remaining)) : span.text
            out.append(Span(text, span.style))
            remaining -= text.count
        }
        return ScreenLine(out)
    }
}

/// A run of text in one style.
struct Span: Hashable, Sendable {
    var text: String
    var style: Style

    init(_ text: String, _ style: Style = .normal) {
        self.text = text
        self.style = style
    }
}

/// What a span means; the terminal maps it to colours and attributes (or none without colour).
public enum Style: Hashable, Sendable, CaseIterable {
    case normal, bold, dim, selected, title
    /// Healthy: ready endpoints, RUNNING.
    case good
    /// Attention: cooling, PAUSED, DRAINING.
    case warning
    /// Trouble: rising errors, ejected endpoints.
    case bad
    /// Information: DONE, the sparkline, the progress bar.
    case accent
    /// A state label that must not be missed (reversed colour).
    case banner
    /// The charts' series, one per endpoint (cyan, magenta, yellow, green, blue).
    case series1, series2, series3, series4, series5
}
