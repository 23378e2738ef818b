import Engine

/// Errors by kind and the last error messages: side by side when wide, two lines when narrow.
enum ErrorPanel {
    /// Rows of kinds and messages the wide panel shows at most.
    static let wideRows = StatsAccumulator.recentErrorLimit

    static func render(_ snapshot: StatsSnapshot, width: Int, wide: Bool) -> [ScreenLine] {
        let kinds = ErrorKind.allCases.compactMap { kind in snapshot.errorsByKind[kind].map { (kind, $0) } }
        let recent = snapshot.recentErrors.reversed().map { entry in
            "\(Format.clock(entry.at)) \(entry.source)  \(entry.text)"
        }
        if !wide {
            var summary = ScreenLine(" ")
            if kinds.isEmpty {
                summary.append("no errors", .dim)
            } else {
                for (kind, count) in kinds {
                    summary.append(kind.shortLabel + " ", .bold)
                    summary.append(Format.compact(count) + "  ", kind == .rateLimited ? .warning : .bad)
                }
            }
            return [summary, ScreenLine(" " + (recent.first ?? ""), .dim)]
        }
        let leftWidth = 46
        var lines = [ScreenLine(Format.pad(" Errors by kind", leftWidth) + " Last errors", .bold)]
        let count = max(1, min(wideRows, max(kinds.count, recent.count)))
        for index in 0..<count {
            var line = ScreenLine()
            if index < kinds.count {
                let (kind, number) = kinds[index]
                let note = kind == .rateLimited ? " (retried)" : ""
                line.append(Format.pad("   " + kind.rawValue, 24))
                line.append(Format.pad(Format.count(number), 9, right: true), kind == .rateLimited ? .warning : .bad)
                line.append(Format.pad(note, leftWidth - 33))
            } else {
                line.append(Format.pad(index == 0 ? "   none" : "", leftWidth), .dim)
            }
            if index < recent.count {
                line.append(" " + Format.pad(recent[index], max(10, width - leftWidth - 2)), .dim)
            }
            lines.append(line)
        }
        return lines
    }
}
