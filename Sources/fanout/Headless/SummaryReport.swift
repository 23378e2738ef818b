import Dashboard
import Engine

/// The text printed at the end of a run and the periodic progress line, built from a snapshot.
enum SummaryReport {
    /// One progress line for stderr, e.g.
    /// `[00:12] done 2,400/10,000 (24.0%) · 198.0 answers/s · sends 200.1/s · in flight 96 · retries 3 · errors 1`.
    static func progressLine(_ snapshot: StatsSnapshot, total: Int?) -> String {
        var done = "done \(Format.count(snapshot.done + snapshot.resumed))"
        if let total, total > 0 {
            done += "/\(Format.count(total)) (\(Format.percent(Double(snapshot.done + snapshot.resumed) / Double(total))))"
        } else {
            done += " (read \(Format.count(snapshot.read)))"
        }
        let attemptErrors = snapshot.endpoints.reduce(0) { $0 + $1.errors }
        var parts = ["[\(Format.clock(snapshot.elapsed))] \(done)", "\(Format.rate(snapshot.completionRate)) answers/s",
                     "sends \(Format.rate(snapshot.measuredRate))/s",
                     "in flight \(Format.count(snapshot.inFlight))", "retries \(Format.count(snapshot.retries))",
                     "failed \(Format.count(snapshot.failed))", "attempt errors \(Format.count(attemptErrors))",
                     EndpointAvailability(snapshot.endpoints).summary]
        if let limits = LimitText.progress(snapshot.endpoints) { parts.append(limits) }
        if snapshot.tokens.streamed > 0 {
            parts.append("TTFT p50 \(Format.latency(snapshot.tokens.ttft.p50)) · \(Format.rate(snapshot.tokens.outputTokensPerSecond)) tok/s")
        }
        if snapshot.serviceLevels != nil, let share = snapshot.goodShare { parts.append("good \(Format.percent(share))") }
        if let cost = SpendText.progressPart(snapshot, total: total) { parts.append(cost) }
        if let server = serverPart(snapshot.endpoints) { parts.append(server) }
        if let batches = batchPart(snapshot) { parts.append(batches) }
        if let fleet = FleetStoreLine.progressPart(snapshot) { parts.append(fleet) }
        if let client = snapshot.control.client, client.isBound {
            parts.append("\(ClientLoad.warning) (cpu \(Format.fixed(client.cpuPercent, digits: 0))%, lag p99 \(Format.fixed(client.loopLagP99Ms, digits: 0))ms)")
        }
        if snapshot.state != .running { parts.append(snapshot.state.rawValue) }
        return parts.joined(separator: " · ")
    }

    /// `server run 4 wait 1` summed over the endpoints whose metrics were read (nil: none).
    static func serverPart(_ endpoints: [EndpointSnapshot]) -> String? {
        let loads = endpoints.compactMap(\.control.server)
        guard !loads.isEmpty else { return nil }
        let running = loads.compactMap(\.running).reduce(0, +), waiting = loads.compactMap(\.waiting)
        return "server run \(Format.gauge(running)) wait \(waiting.isEmpty ? "–" : Format.gauge(waiting.reduce(0, +)))"
    }

    /// `batches 2 open (in_progress 1,200/5,000; validating 0/5,000) · deadline in 2h 10m` (nil: no batch and no deadline).
    static func batchPart(_ snapshot: StatsSnapshot) -> String? {
        let open = snapshot.endpoints.flatMap(\.control.batches).filter { !$0.hasEnded }
        var parts: [String] = []
        if !open.isEmpty {
            let each = open.prefix(4).map { "\($0.status) \(Format.count($0.completed + $0.failed))/\(Format.count($0.total))" }
            parts.append("batches \(open.count) open (\(each.joined(separator: "; "))\(open.count > 4 ? "; …" : ""))")
        }
        if let deadline = snapshot.control.deadline { parts.append(BatchPanel.deadlineText(deadline)) }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    /// The final summary: totals, duration, mean rate, each endpoint, the files.
    /// - Parameter written: the lines that reached the files; the counts are these when a write failed.
    static func summary(_ snapshot: StatsSnapshot, savePath: String, errorsPath: String, stopped: Bool, transport: String? = nil,
                        written: WrittenLines? = nil) -> [String] {
        let seconds = max(snapshot.elapsed, 0.001)
        var lines: [String] = []
        let verb = stopped ? "stopped" : "done"
        let saved = min(snapshot.succeeded, written?.saved ?? .max)
        let failed = min(snapshot.failed, written?.failed ?? .max)
        lines.append("fanout \(verb) in \(Format.fixed(snapshot.elapsed, digits: 1))s: \(Format.count(saved + failed)) records, "
            + "\(Format.count(saved)) saved, \(Format.count(failed)) failed"
            + (snapshot.badLines > 0 ? " (\(Format.count(snapshot.badLines)) bad input line\(snapshot.badLines == 1 ? "" : "s"))" : ""))
        let lost = snapshot.succeeded + snapshot.failed - saved - failed
        if lost > 0 {
            lines.append("  not written: \(Format.count(lost)) finished record\(lost == 1 ? "" : "s") never reached the files (the write failed); a rerun sends them again")
        }
        if let first = snapshot.firstBadLine { lines.append("  first bad line: " + (first.count > 300 ? first.prefix(299) + "…" : first)) }
        if snapshot.resumed > 0 { lines.append("  resumed: \(Format.count(snapshot.resumed)) already done by an earlier run (skipped)") }
        // Every request on the wire is an attempt of a record or a resend (not processed by the
        // server, or sent again without stream_options), which spends no attempt.
        lines.append("  sent \(Format.count(snapshot.sent)): attempts \(Format.count(snapshot.attempts)) (retries \(Format.count(snapshot.retries)))"
            + (snapshot.resends > 0 ? ", resends \(Format.count(snapshot.resends))" : "") + ", "
            + "mean \(Format.rate(Double(snapshot.done) / seconds)) answers/s, "
            + "tokens in \(Format.count(snapshot.promptTokens)) out \(Format.count(snapshot.completionTokens))"
            + (transport.map { ", transport \($0)" } ?? ""))
        let kinds = ErrorKind.allCases.compactMap { kind in snapshot.errorsByKind[kind].map { "\(kind.rawValue) \(Format.count($0))" } }
        if !kinds.isEmpty { lines.append("  errors by kind: " + kinds.joined(separator: ", ")) }
        let nameWidth = max(8, snapshot.endpoints.map(\.name.count).max() ?? 8)
        lines.append("  " + Format.pad("endpoint", nameWidth) + "  weight      sent        ok    errors   retries      p50      p90      p99")
        for endpoint in snapshot.endpoints {
            let columns = [
                Format.pad(Format.weight(endpoint.weight), 6, right: true),
                Format.pad(Format.count(endpoint.sent), 9, right: true),
                Format.pad(Format.count(endpoint.succeeded), 9, right: true),
                Format.pad(Format.count(endpoint.errors), 9, right: true),
                Format.pad(Format.count(endpoint.retries), 9, right: true),
                Format.pad(Format.latency(endpoint.p50), 8, right: true),
                Format.pad(Format.latency(endpoint.p90), 8, right: true),
                Format.pad(Format.latency(endpoint.p99), 8, right: true),
            ]
            lines.append("  " + Format.pad(endpoint.name, nameWidth) + "  " + columns.joined(separator: " "))
        }
        lines += tokenLines(snapshot)
        if let cost = SpendText.summary(snapshot.control.spend) { lines.append(cost) }
        lines.append("  saved:  \(savePath)")
        lines.append("  errors: \(errorsPath)")
        return lines
    }
}
