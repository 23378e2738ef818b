import Engine

/// The endpoints table: one row each, the selected one marked, scrolled to keep it visible.
///
/// When any endpoint has a limit of its own (a rate, learned or set, or an in-flight cap) the wide
/// table gains a Limit column and narrows Share and the latencies; below 140 columns it gives up
/// Retries for it too.
enum EndpointTable {
    /// The wide table's columns after the name.
    enum Column: CaseIterable {
        case weight, share, inFlight, ok, errors, retries, p50, p99, limit

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
            case .limit: "Limit"
            }
        }

        func width(tight: Bool) -> Int {
            switch self {
            case .weight: 7
            case .share: tight ? 10 : 14
            case .inFlight, .ok: 10
            case .errors, .retries: 9
            case .p50, .p99: tight ? 7 : 8
            case .limit: 17
            }
        }
    }

    /// Column widths of the compact table after the name.
    static let narrowColumns = [3, 8, 7, 8, 7, 7, 7]

    /// The name column: wider on wide screens so names and hosts fit.
    static func nameWidth(width: Int, wide: Bool) -> Int { wide ? (width >= 140 ? 32 : 20) : 13 }

    /// The wide table's columns at this width, with or without limits to show.
    static func columns(width: Int, limits: Bool) -> [Column] {
        Column.allCases.filter { column in
            switch column {
            case .limit: limits
            case .retries: !limits || width >= 140
            default: true
            }
        }
    }

    /// Whether any endpoint has a limit of its own to show.
    static func showsLimits(_ snapshot: StatsSnapshot) -> Bool {
        snapshot.endpoints.contains { $0.limits.rate != nil || $0.limits.inFlightCap != nil }
    }

    static func header(width: Int, wide: Bool, limits: Bool = false) -> ScreenLine {
        let cells: String
        if wide {
            cells = columns(width: width, limits: limits).map { column in
                let (title, size) = (column.title(tight: limits), column.width(tight: limits))
                return column == .limit ? "  " + Format.pad(title, size - 2) : Format.pad(title, size, right: true)
            }.joined()
        } else {
            cells = zip(["W", "Share", "Infl", "OK", "Err", "p50", "p99"], narrowColumns).map { Format.pad($0, $1, right: true) }.joined()
        }
        return ScreenLine("   " + Format.pad("Endpoint", nameWidth(width: width, wide: wide)) + cells + "  State", .bold)
    }

    /// At most `capacity` lines: endpoint rows, and a last line naming the hidden ones if any are.
    static func rows(_ snapshot: StatsSnapshot, selected: Int, capacity: Int, width: Int, wide: Bool) -> [ScreenLine] {
        let endpoints = snapshot.endpoints
        guard capacity > 0, !endpoints.isEmpty else { return [] }
        let limits = showsLimits(snapshot)
        let fits = endpoints.count <= capacity
        let visible = fits ? endpoints.count : max(1, capacity - 1)
        let first = fits ? 0 : min(max(0, selected - visible + 1), endpoints.count - visible)
        var lines = endpoints[first..<first + visible].enumerated().map { offset, endpoint in
            row(endpoint, isSelected: first + offset == selected, wide: wide, width: width, limits: limits)
        }
        if !fits {
            let hidden = endpoints.count - visible
            lines.append(ScreenLine("   … \(hidden) more endpoint\(hidden == 1 ? "" : "s") (↑↓ to scroll)", .dim))
        }
        return lines
    }

    static func row(_ endpoint: EndpointSnapshot, isSelected: Bool, wide: Bool, width: Int, limits: Bool = false) -> ScreenLine {
        let marker = isSelected ? " ▶ " : "   "
        let share = "\(Int((endpoint.targetShare * 100).rounded()))/\(Int((endpoint.actualShare * 100).rounded()))%"
        let (stateText, stateStyle) = state(endpoint.state, wide: wide)
        var line = ScreenLine(marker, isSelected ? .selected : .normal)
        let nameStyle: Style = isSelected ? .selected : .normal
        let host = hostName(endpoint.url)
        let name = wide && endpoint.name != host ? "\(endpoint.name) \(host)" : endpoint.name
        line.append(Format.pad(name, nameWidth(width: width, wide: wide)), nameStyle)
        if wide {
            for column in columns(width: width, limits: limits) {
                let (text, style) = cell(column, endpoint, share: share)
                let size = column.width(tight: limits)
                if column == .limit {
                    line.append("  " + Format.pad(text, size - 2), style)
                } else {
                    line.append(Format.pad(text, size, right: true), style)
                }
            }
        } else {
            let cells: [(String, Style)] = [
                (Format.weight(endpoint.weight), .normal), (share, .normal), (Format.compact(endpoint.inFlight), .normal),
                (Format.compact(endpoint.succeeded), .normal), (Format.compact(endpoint.errors), endpoint.errors > 0 ? .bad : .normal),
                (Format.latency(endpoint.p50), .normal), (Format.latency(endpoint.p99), .normal),
            ]
            for (cell, width) in zip(cells, narrowColumns) { line.append(Format.pad(cell.0, width, right: true), cell.1) }
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
        case .share: (share, .normal)
        case .inFlight: (Format.count(endpoint.inFlight), .normal)
        case .ok: (Format.count(endpoint.succeeded), .normal)
        case .errors: (Format.count(endpoint.errors), endpoint.errors > 0 ? .bad : .normal)
        case .retries: (Format.count(endpoint.retries), .normal)
        case .p50: (Format.latency(endpoint.p50), .normal)
        case .p99: (Format.latency(endpoint.p99), .normal)
        case .limit: (LimitText.column(endpoint.limits) ?? "–", .normal)
        }
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
