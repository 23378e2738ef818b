import Engine

/// The endpoints table: one row each, the selected one marked, scrolled to keep it visible.
///
/// When any endpoint has a limit of its own (a rate, learned or set, or an in-flight cap) the wide
/// table gains a Limit column and narrows Share and the latencies; below 140 columns it gives up
/// Retries for it too. Once answers stream (or `--slo` is given) it gains TTFT, ITL, output tokens/s
/// and Good, and keeps the columns that fit by priority.
enum EndpointTable {
    /// What the table has to show beyond requests.
    struct Shape: Hashable {
        /// Some endpoint has a limit of its own.
        var limits = false
        /// Some answer was streamed: TTFT and ITL.
        var streams = false
        /// `--slo` was given: the Good column.
        var goodput = false
        /// Something was priced or a cap is set: the Cost column.
        var cost = false
        /// Some endpoint's server metrics were read: Run, Wait and KV.
        var server = false

        init(limits: Bool = false, streams: Bool = false, goodput: Bool = false, cost: Bool = false, server: Bool = false) {
            self.limits = limits
            self.streams = streams
            self.goodput = goodput
            self.cost = cost
            self.server = server
        }

        init(_ snapshot: StatsSnapshot) {
            limits = snapshot.endpoints.contains { $0.limits.rate != nil || $0.limits.inFlightCap != nil }
            streams = snapshot.tokens.streamed > 0
            goodput = snapshot.serviceLevels != nil
            cost = SpendText.shows(snapshot.control.spend)
            server = snapshot.endpoints.contains { $0.control.server != nil }
        }

        /// The LLM, cost or server columns are on: the table fits its columns by priority.
        var fitsByPriority: Bool { streams || goodput || cost || server }
        /// Narrower titles and cells.
        var tight: Bool { limits || fitsByPriority }
    }

    /// The wide table's columns after the name.
    enum Column: CaseIterable {
        case weight, share, inFlight, running, waiting, kvCache, ok, errors, retries, p50, p99, ttft, ttftP99, itl, tokenRate, good, cost, limit

        /// The title; narrower where the Limit column needs the room.
        func title(tight: Bool) -> String {
            switch self {
            case .weight: "Weight"
            case .share: tight ? "Share" : "Share tgt/act"
            case .inFlight: "In flight"
            case .ok: "OK"
            case .errors: "Errors"
            case .retries: "Retries"
            case .p50: "p50"
            case .p99: "p99"
            case .ttft: "TTFT"
            case .ttftP99: "TTFT99"
            case .itl: "ITL"
            case .tokenRate: "tok/s"
            case .good: "Good"
            case .cost: "Cost"
            case .limit: "Limit"
            case .running: "Run"
            case .waiting: "Wait"
            case .kvCache: "KV"
            }
        }

        /// Which columns stay when not all fit (higher stays longer).
        var priority: Int {
            switch self {
            case .weight: 10
            case .inFlight, .ok: 9
            case .ttft, .tokenRate, .good, .cost, .waiting: 8
            case .running: 7
            case .errors, .p99, .limit: 7
            case .itl, .kvCache: 6
            case .share: 5
            case .p50: 4
            case .ttftP99: 3
            case .retries: 2
            }
        }

        func width(tight: Bool) -> Int {
            switch self {
            case .weight: 7
            case .share: tight ? 10 : 14
            case .inFlight, .ok: 10
            case .errors, .retries: 9
            case .p50, .p99: tight ? 7 : 8
            case .ttft, .ttftP99: 8
            case .itl: 8
            case .tokenRate: 9
            case .good: 7
            case .cost: 10
            case .limit: 17
            case .running, .waiting, .kvCache: 6
            }
        }
    }

    /// Column widths of the compact table after the name.
    static let narrowColumns = [3, 8, 7, 8, 7, 7, 7]
    /// The compact table's titles and widths once answers stream: TTFT and tokens/s take Share's and p50's place.
    static let narrowLLMColumns = [("W", 3), ("Infl", 7), ("OK", 8), ("Err", 7), ("p99", 7), ("TTFT", 7), ("tok/s", 8)]

    /// The compact columns' widths with the Cost column in p50's place (`$0.0417` needs 8).
    static func narrowColumns(cost: Bool) -> [Int] {
        cost ? [3, 8, 7, 8, 7, 9, 7] : narrowColumns
    }

    /// The compact LLM columns: the server's Wait in p99's place when its metrics are read, else Cost
    /// when anything is priced.
    static func narrowLLMColumns(cost: Bool, server: Bool = false) -> [(String, Int)] {
        if server { return narrowLLMColumns.map { $0.0 == "p99" ? ("Wait", 7) : $0 } }
        return cost ? narrowLLMColumns.map { $0.0 == "p99" ? ("Cost", 9) : $0 } : narrowLLMColumns
    }

    /// The name column: wider on wide screens so names and hosts fit.
    static func nameWidth(width: Int, wide: Bool) -> Int { wide ? (width >= 140 ? 32 : 20) : 13 }

    /// Columns left for the State column: the long form (`cooling 2.4s (429)`) from 140 columns up.
    static func stateRoom(width: Int) -> Int { width >= 140 ? 20 : 12 }

    /// The wide table's columns at this width for what there is to show.
    static func columns(width: Int, shape: Shape) -> [Column] {
        let applicable = Column.allCases.filter { column in
            switch column {
            case .limit: shape.limits
            case .retries: shape.fitsByPriority || !shape.limits || width >= 140
            case .ttft, .ttftP99, .itl: shape.streams
            case .tokenRate: shape.streams || shape.goodput
            case .good: shape.goodput
            case .cost: shape.cost
            case .running, .waiting, .kvCache: shape.server
            default: true
            }
        }
        guard shape.fitsByPriority else { return applicable }
        var kept = applicable
        let room = width - 3 - nameWidth(width: width, wide: true) - stateRoom(width: width)
        while kept.reduce(0, { $0 + $1.width(tight: true) }) > room,
              let weakest = kept.enumerated().min(by: { ($0.element.priority, -$0.offset) < ($1.element.priority, -$1.offset) }) {
            kept.remove(at: weakest.offset)
        }
        return kept
    }

    static func header(width: Int, wide: Bool, shape: Shape = Shape()) -> ScreenLine {
        let cells: String
        if wide {
            cells = columns(width: width, shape: shape).map { column in
                let (title, size) = (column.title(tight: shape.tight), column.width(tight: shape.tight))
                return column == .limit ? "  " + Format.pad(title, size - 2) : Format.pad(title, size, right: true)
            }.joined()
        } else if shape.streams {
            cells = narrowLLMColumns(cost: shape.cost, server: shape.server).map { Format.pad($0.0, $0.1, right: true) }.joined()
        } else {
            cells = zip(["W", shape.server ? "Wait" : "Share", "Infl", "OK", "Err", shape.cost ? "Cost" : "p50", "p99"], narrowColumns(cost: shape.cost))
                .map { Format.pad($0, $1, right: true) }.joined()
        }
        return ScreenLine("   " + Format.pad("Endpoint", nameWidth(width: width, wide: wide)) + cells + "  State", .bold)
    }

    /// At most `capacity` lines: endpoint rows, and a last line naming the hidden ones if any are.
    static func rows(_ snapshot: StatsSnapshot, selected: Int, capacity: Int, width: Int, wide: Bool) -> [ScreenLine] {
        let endpoints = snapshot.endpoints
        guard capacity > 0, !endpoints.isEmpty else { return [] }
        let shape = Shape(snapshot)
        let fits = endpoints.count <= capacity
        let visible = fits ? endpoints.count : max(1, capacity - 1)
        let first = fits ? 0 : min(max(0, selected - visible + 1), endpoints.count - visible)
        var lines = endpoints[first..<first + visible].enumerated().map { offset, endpoint in
            row(endpoint, isSelected: first + offset == selected, wide: wide, width: width, shape: shape)
        }
        if !fits {
            let hidden = endpoints.count - visible
            lines.append(ScreenLine("   … \(hidden) more endpoint\(hidden == 1 ? "" : "s") (↑↓ to scroll)", .dim))
        }
        return lines
    }

    static func row(_ endpoint: EndpointSnapshot, isSelected: Bool, wide: Bool, width: Int, shape: Shape = Shape()) -> ScreenLine {
        let marker = isSelected ? " ▶ " : "   "
        let share = "\(Int(saturating: (endpoint.targetShare * 100).rounded()))/\(Int(saturating: (endpoint.actualShare * 100).rounded()))%"
            + (wide && endpoint.isCapBound ? " cap" : "")
        // With the LLM columns below 140 columns the state is given short (`cool 2.4s`), so it fits.
        let (stateText, stateStyle) = state(endpoint.state, wide: wide && (width >= 140 || !shape.fitsByPriority))
        var line = ScreenLine(marker, isSelected ? .selected : .normal)
        let nameStyle: Style = isSelected ? .selected : .normal
        let host = hostName(endpoint.url)
        let name = wide && endpoint.name != host ? "\(endpoint.name) \(host)" : endpoint.name
        line.append(Format.pad(name, nameWidth(width: width, wide: wide)), nameStyle)
        if wide {
            for column in columns(width: width, shape: shape) {
                let (text, style) = cell(column, endpoint, share: share)
                let size = column.width(tight: shape.tight)
                if column == .limit {
                    line.append("  " + Format.pad(text, size - 2), style)
                } else {
                    line.append(Format.pad(text, size, right: true), style)
                }
            }
        } else if shape.streams {
            let figures = endpoint.tokens
            let cells: [(String, Style)] = [
                (Format.weight(endpoint.weight), .normal), (Format.compact(endpoint.inFlight), .normal),
                (Format.compact(endpoint.succeeded), .normal), (Format.compact(endpoint.errors), endpoint.errors > 0 ? .bad : .normal),
                shape.server ? cell(.waiting, endpoint, share: share)
                    : shape.cost ? (Money.text(endpoint.control.spent), .normal) : (Format.latency(endpoint.p99), .normal),
                (Format.latency(figures.ttft.p50), .normal),
                (Format.rate(figures.outputTokensPerSecond), .normal),
            ]
            for (cell, column) in zip(cells, narrowLLMColumns(cost: shape.cost, server: shape.server)) { line.append(Format.pad(cell.0, column.1, right: true), cell.1) }
        } else {
            let cells: [(String, Style)] = [
                (Format.weight(endpoint.weight), .normal),
                shape.server ? cell(.waiting, endpoint, share: share) : (share, endpoint.isCapBound ? .warning : .normal),
                (Format.compact(endpoint.inFlight), .normal),
                (Format.compact(endpoint.succeeded), .normal), (Format.compact(endpoint.errors), endpoint.errors > 0 ? .bad : .normal),
                shape.cost ? (Money.text(endpoint.control.spent), .normal) : (Format.latency(endpoint.p50), .normal),
                (Format.latency(endpoint.p99), .normal),
            ]
            for (cell, width) in zip(cells, narrowColumns(cost: shape.cost)) { line.append(Format.pad(cell.0, width, right: true), cell.1) }
        }
        line.append("  ")
        line.append(stateText, stateStyle)
        // The compact table's limits, and what the provider's headers last said, where the row has room.
        let extras = wide ? [endpoint.providerLimits.flatMap(allowanceText)] : [LimitText.narrow(endpoint.limits)]
        for text in extras.compactMap({ $0 }) where line.width + 2 + text.count <= width {
            line.append("  " + text, .dim)
        }
        return line
    }

    static func cell(_ column: Column, _ endpoint: EndpointSnapshot, share: String) -> (String, Style) {
        switch column {
        case .weight: (Format.weight(endpoint.weight), .normal)
        case .share: (share, endpoint.isCapBound ? .warning : .normal)
        case .inFlight: (Format.count(endpoint.inFlight), .normal)
        case .ok: (Format.count(endpoint.succeeded), .normal)
        case .errors: (Format.count(endpoint.errors), endpoint.errors > 0 ? .bad : .normal)
        case .retries: (Format.count(endpoint.retries), .normal)
        case .p50: (Format.latency(endpoint.p50), .normal)
        case .p99: (Format.latency(endpoint.p99), .normal)
        case .ttft: (Format.latency(endpoint.tokens.ttft.p50), .normal)
        case .ttftP99: (Format.latency(endpoint.tokens.ttft.p99), .normal)
        case .itl: (Format.latency(endpoint.tokens.itl.p50), .normal)
        case .tokenRate: (Format.rate(endpoint.tokens.outputTokensPerSecond), .normal)
        case .good: (endpoint.goodShare.map { Format.fixed($0 * 100, digits: 0) + "%" } ?? "–", goodStyle(endpoint.goodShare))
        case .cost: (Money.text(endpoint.control.spent), endpoint.state == .outOfFunds ? .bad : .normal)
        case .limit: (LimitText.column(endpoint.limits) ?? "–", .normal)
        case .running: (endpoint.control.server?.running.map(Format.gauge) ?? "–", .normal)
        case .waiting:
            (endpoint.control.server?.waiting.map(Format.gauge) ?? "–", (endpoint.control.server?.waiting ?? 0) >= 0.5 ? .warning : .normal)
        case .kvCache:
            (endpoint.control.server?.kvCacheUsage.map { Format.fixed($0 * 100, digits: 0) + "%" } ?? "–",
             (endpoint.control.server?.kvCacheUsage ?? 0) >= 0.9 ? .warning : .normal)
        }
    }

    /// Red below 90 % good, yellow below 99 %.
    static func goodStyle(_ share: Double?) -> Style {
        guard let share else { return .normal }
        return share < 0.9 ? .bad : share < 0.99 ? .warning : .good
    }

    /// `4,980 req · 1.9M tok left` from `x-ratelimit-remaining-*` (nil when neither was sent).
    static func allowanceText(_ limits: ProviderRateLimits) -> String? {
        let parts = [limits.remainingRequests.map { "\(Format.compact($0)) req" }, limits.remainingTokens.map { "\(Format.compact($0)) tok" }]
            .compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " · ") + " left"
    }

    static func state(_ state: EndpointSnapshot.State, wide: Bool) -> (String, Style) {
        switch state {
        case .ready: return ("ready", .good)
        case .drained: return ("drained", .dim)
        case .outOfFunds: return (wide ? "out of money" : "no funds", .bad)
        case .probing: return ("probing", .warning)
        case .ejected(let seconds): return ("ejected \(Format.wait(seconds))", .bad)
        case .cooling(let seconds, let reason):
            let time = Format.wait(seconds)
            if wide { return ("cooling \(time) (\(reason.rawValue))", .warning) }
            return ("cool \(time)", .warning)
        }
    }

    /// `host:port` of an endpoint URL, for the wide table.
    static func hostName(_ url: String) -> String {
        guard let url = EndpointURL(url) else { return url }
        return url.hostAndPort
    }
}

extension EndpointSnapshot {
    /// Whether a learned in-flight cap (`--max_in_flight auto`), not the weight, holds this endpoint
    /// well below its share: it is at its cap and gets under four fifths of what its weight asks.
    /// The Share cell then says `cap` (in yellow).
    var isCapBound: Bool {
        guard self.limits.capIsAuto, let cap = maxInFlight, self.inFlight >= max(1, cap - 1), succeeded > 0 else { return false }
        return actualShare < targetShare * 0.8
    }
}
