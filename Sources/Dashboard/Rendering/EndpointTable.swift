import Engine

/// The endpoints table: one row each, the selected one marked, scrolled to keep it visible.
enum EndpointTable {
    /// Column widths of the wide table after the name: weight, share, in flight, ok, errors, retries, p50, p99.
    static let wideColumns = [7, 14, 10, 10, 9, 9, 8, 8]
    /// Column widths of the compact table after the name.
    static let narrowColumns = [3, 8, 7, 8, 7, 7, 7]

    /// The name column: wider on wide screens so names and hosts fit.
    static func nameWidth(width: Int, wide: Bool) -> Int { wide ? (width >= 140 ? 32 : 20) : 13 }

    static func header(width: Int, wide: Bool) -> ScreenLine {
        let titles = wide ? ["Weight", "Share tgt/act", "In flight", "OK", "Errors", "Retries", "p50", "p99"]
            : ["W", "Share", "Infl", "OK", "Err", "p50", "p99"]
        let columns = wide ? wideColumns : narrowColumns
        let cells = zip(titles, columns).map { Format.pad($0, $1, right: true) }.joined()
        return ScreenLine("   " + Format.pad("Endpoint", nameWidth(width: width, wide: wide)) + cells + "  State", .bold)
    }

    /// At most `capacity` lines: endpoint rows, and a last line naming the hidden ones if any are.
    static func rows(_ snapshot: StatsSnapshot, selected: Int, capacity: Int, width: Int, wide: Bool) -> [ScreenLine] {
        let endpoints = snapshot.endpoints
        guard capacity > 0, !endpoints.isEmpty else { return [] }
        let fits = endpoints.count <= capacity
        let visible = fits ? endpoints.count : max(1, capacity - 1)
        let first = fits ? 0 : min(max(0, selected - visible + 1), endpoints.count - visible)
        var lines = endpoints[first..<first + visible].enumerated().map { offset, endpoint in
            row(endpoint, isSelected: first + offset == selected, wide: wide, width: width)
        }
        if !fits {
            let hidden = endpoints.count - visible
            lines.append(ScreenLine("   … \(hidden) more endpoint\(hidden == 1 ? "" : "s") (↑↓ to scroll)", .dim))
        }
        return lines
    }

    static func row(_ endpoint: EndpointSnapshot, isSelected: Bool, wide: Bool, width: Int) -> ScreenLine {
        let marker = isSelected ? " ▶ " : "   "
        let share = "\(Int((endpoint.targetShare * 100).rounded()))/\(Int((endpoint.actualShare * 100).rounded()))%"
        let (stateText, stateStyle) = state(endpoint.state, wide: wide)
        var line = ScreenLine(marker, isSelected ? .selected : .normal)
        let nameStyle: Style = isSelected ? .selected : .normal
        let host = hostName(endpoint.url)
        let name = wide && endpoint.name != host ? "\(endpoint.name) \(host)" : endpoint.name
        line.append(Format.pad(name, nameWidth(width: width, wide: wide)), nameStyle)
        let number = wide ? Format.count : Format.compact
        let cells: [(String, Style)] = [
            (Format.weight(endpoint.weight), .normal), (share, .normal), (number(endpoint.inFlight), .normal),
            (number(endpoint.succeeded), .normal), (number(endpoint.errors), endpoint.errors > 0 ? .bad : .normal),
            (number(endpoint.retries), .normal), (Format.latency(endpoint.p50), .normal), (Format.latency(endpoint.p99), .normal),
        ].enumerated().filter { wide || $0.offset != 5 }.map(\.element)
        for (cell, width) in zip(cells, wide ? wideColumns : narrowColumns) {
            line.append(Format.pad(cell.0, width, right: true), cell.1)
        }
        line.append("  ")
        line.append(stateText, stateStyle)
        // The limits in force and, in the wide table, what the provider's headers last said, where the row has room.
        let limits = wide ? LimitText.wide(endpoint.limits) : LimitText.narrow(endpoint.limits)
        let left = wide ? endpoint.providerLimits.flatMap(allowanceText) : nil
        for text in [limits, left].compactMap({ $0 }) where line.width + 2 + text.count <= width {
            line.append("  " + text, .dim)
        }
        return line
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
