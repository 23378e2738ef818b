import Engine

extension SummaryReport {
    /// The summary's LLM lines: goodput against `--slo`, and for streamed answers TTFT, ITL, TPOT
    /// and output tokens per second, overall and per endpoint. Empty when there is nothing to say.
    static func tokenLines(_ snapshot: StatsSnapshot) -> [String] {
        var lines: [String] = []
        let seconds = max(snapshot.elapsed, 0.001)
        let tokens = snapshot.tokens
        if let levels = snapshot.serviceLevels {
            let share = snapshot.goodShare.map(Format.percent) ?? "–"
            lines.append("  goodput: \(Format.count(tokens.good)) of \(Format.count(snapshot.done)) records (\(share)) met "
                + levels.description(Format.latency) + ", \(Format.rate(Double(tokens.good) / seconds)) records/s")
        }
        guard tokens.streamed > 0 else { return lines }
        lines.append("  streamed \(Format.count(tokens.streamed)) answers: TTFT p50 \(Format.latency(tokens.ttft.p50)) p99 \(Format.latency(tokens.ttft.p99)), "
            + "ITL p50 \(Format.latency(tokens.itl.p50)) p99 \(Format.latency(tokens.itl.p99)), TPOT p50 \(Format.latency(tokens.tpot.p50)), "
            + "output \(Format.rate(Double(tokens.completionTokens) / seconds)) tokens/s")
        let nameWidth = max(8, snapshot.endpoints.map(\.name.count).max() ?? 8)
        let good = snapshot.serviceLevels != nil
        let titles = [("streamed", 8), ("TTFT p50", 9), ("TTFT p99", 9), ("ITL p50", 9), ("TPOT p50", 9), ("tok out", 9), ("tok/s", 9)]
            + (good ? [("good", 8)] : [])
        lines.append("  " + Format.pad("endpoint", nameWidth) + " " + titles.map { Format.pad($0.0, $0.1, right: true) }.joined(separator: " "))
        for endpoint in snapshot.endpoints {
            let figures = endpoint.tokens
            var columns = [
                Format.pad(Format.count(figures.streamed), 8, right: true),
                Format.pad(Format.latency(figures.ttft.p50), 9, right: true),
                Format.pad(Format.latency(figures.ttft.p99), 9, right: true),
                Format.pad(Format.latency(figures.itl.p50), 9, right: true),
                Format.pad(Format.latency(figures.tpot.p50), 9, right: true),
                Format.pad(Format.compact(figures.completionTokens), 9, right: true),
                Format.pad(Format.rate(Double(figures.completionTokens) / seconds), 9, right: true),
            ]
            if good { columns.append(Format.pad(endpoint.goodShare.map(Format.percent) ?? "–", 8, right: true)) }
            lines.append("  " + Format.pad(endpoint.name, nameWidth) + " " + columns.joined(separator: " "))
        }
        return lines
    }
}
