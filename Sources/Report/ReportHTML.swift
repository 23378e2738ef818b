import Engine
import Foundation

/// The report as one self-contained HTML page: inline CSS and SVG drawn by `SVGChart`, the figures
/// from `ReportData`; nothing is fetched from anywhere, so it opens offline and years later.
enum ReportHTML {
    static func render(_ data: ReportData) -> String {
        let snapshot = data.snapshot
        let step = max(data.timeline.bucketSeconds, 0.001)
        // The last bucket covers only the run's last part of a step: counted per second over what it
        // covers, and left out when that is under a quarter step (not drawn as a drop).
        let lastCovers = data.timeline.times.last.map { min(step, max(0, snapshot.elapsed - $0)) } ?? step
        let dropsLast = data.timeline.length > 1 && lastCovers < step / 4
        let times = dropsLast ? Array(data.timeline.times.dropLast()) : data.timeline.times
        let names = snapshot.endpoints.map(\.name)
        func perSecond(_ name: TimelineSeries) -> [Double] {
            let counts = data.timeline.counts[name] ?? Array(repeating: 0, count: data.timeline.length)
            return counts.prefix(times.count).enumerated().map { index, count in
                count / (index == data.timeline.length - 1 && lastCovers > 0 ? lastCovers : step)
            }
        }
        func gauge(_ name: TimelineSeries) -> [Double] { Array((data.timeline.gauges[name] ?? []).prefix(times.count)) }
        var body = header(data)
        body += section("Summary", summary(snapshot) + endpointTable(snapshot))
        body += section("Throughput", "<h3>Answers per second</h3>"
            + SVGChart.lines(names.map { SVGChart.Series(label: $0, values: perSecond(.answers(endpoint: $0))) }, times: times,
                             duration: snapshot.elapsed, unit: "/s", actions: data.actions)
            + "<h3>Output tokens per second</h3>"
            + SVGChart.lines(names.map { SVGChart.Series(label: $0, values: perSecond(.tokens(endpoint: $0))) }, times: times,
                             duration: snapshot.elapsed, unit: "", actions: data.actions))
        if SpendText.shows(snapshot.control.spend) {
            // Spend so far at each point, per endpoint: the running sum of what each bucket cost.
            func spentSoFar(_ name: String) -> [Double] {
                var total = 0.0
                return (data.timeline.counts[.cost(endpoint: name)] ?? []).prefix(times.count).map { total += $0; return total }
            }
            body += section("Cost", "<h3>US dollars spent, cumulative</h3>"
                + SVGChart.lines(names.map { SVGChart.Series(label: $0, values: spentSoFar($0)) }, times: times,
                                 duration: snapshot.elapsed, unit: "$", actions: data.actions))
        }
        let kinds = ErrorKind.allCases.filter { data.timeline.counts[.errors($0)] != nil }
        let retrySeries = names.map { perSecond(.retries(endpoint: $0)) }
        let retries = times.indices.map { index in retrySeries.reduce(0) { $0 + ($1.indices.contains(index) ? $1[index] : 0) } }
        body += section("Errors and retries", SVGChart.lines(kinds.map { SVGChart.Series(label: $0.rawValue, values: perSecond(.errors($0))) }
            + [SVGChart.Series(label: "retries sent", values: retries)], times: times, duration: snapshot.elapsed, unit: "/s", actions: data.actions))
        // Requests in flight and the caps on them share an axis; rates (requests per second) have their own.
        var load = [SVGChart.Series(label: "in flight (all)", values: gauge(.inFlight(endpoint: nil)))]
        var rates: [SVGChart.Series] = []
        if gauge(.targetRate).contains(where: { $0 > 0 }) { rates.append(SVGChart.Series(label: "rate limit (req/s)", values: gauge(.targetRate))) }
        for name in names {
            if gauge(.cap(endpoint: name)).contains(where: { $0 > 0 }) { load.append(SVGChart.Series(label: "\(name) in-flight cap", values: gauge(.cap(endpoint: name)))) }
            if gauge(.rateLimit(endpoint: name)).contains(where: { $0 > 0 }) { rates.append(SVGChart.Series(label: "\(name) rate (req/s)", values: gauge(.rateLimit(endpoint: name)))) }
        }
        let rateChart = rates.isEmpty ? "" : "<h3>Rate limits (requests per second)</h3>"
            + SVGChart.lines(rates, times: times, duration: snapshot.elapsed, unit: "/s", actions: data.actions)
        body += section("Limits in force", "<h3>In flight and in-flight caps</h3>"
            + SVGChart.lines(load, times: times, duration: snapshot.elapsed, unit: "", actions: data.actions) + rateChart
            + "<h3>Weights</h3>" + SVGChart.lines(names.map { SVGChart.Series(label: $0, values: gauge(.weight(endpoint: $0))) }, times: times,
                                                 duration: snapshot.elapsed, unit: "", actions: data.actions))
        body += bothSides(names: names, gauge: gauge, times: times, data: data)
        var distributions = ""
        for endpoint in snapshot.endpoints {
            distributions += "<h3>\(SVGChart.escape(endpoint.name)): latency</h3>"
                + SVGChart.distribution(endpoint.latencyDistribution, percentiles: Percentiles(p50: endpoint.p50, p90: endpoint.p90, p99: endpoint.p99))
            if endpoint.tokens.streamed > 0 {
                distributions += "<h3>\(SVGChart.escape(endpoint.name)): time to first token</h3>"
                    + SVGChart.distribution(endpoint.tokens.ttftDistribution, percentiles: endpoint.tokens.ttft)
            }
        }
        body += section("Latency per endpoint", distributions)
        body += section("Operator actions", actionsTable(data.actions))
        return page(title: "fanout report — \(data.meta.input)", body: body)
    }

    private static func header(_ data: ReportData) -> String {
        let meta = data.meta
        let rebuilt = meta.source == "files" ? " (rebuilt from the files)" : ""
        var rows: [[String]] = [
            ["command", meta.command], ["started", ReportData.iso(meta.startedAt)], ["ended", ReportData.iso(meta.endedAt)],
            ["duration", Format.duration(data.snapshot.elapsed)], ["fanout", meta.version + rebuilt], ["covers", meta.coverage],
            ["input", meta.input], [meta.runs > 1 ? "save files" : "save file", meta.save],
            [meta.runs > 1 ? "errors files" : "errors file", meta.errors],
            ["endpoints", meta.endpoints.map { "\($0.name) \($0.url)" }.joined(separator: ", ")],
        ]
        if let levels = data.snapshot.serviceLevels { rows.append(["goodput targets", levels.description(Format.latency)]) }
        return "<h1>fanout report</h1>" + table(rows, head: nil, className: "meta")
    }

    /// The servers' own queues (running and waiting per endpoint, when their metrics were read)
    /// and fanout's own CPU and loop lag: both sides of the latency.
    private static func bothSides(names: [String], gauge: (TimelineSeries) -> [Double], times: [Double], data: ReportData) -> String {
        let duration = data.snapshot.elapsed
        var servers: [SVGChart.Series] = []
        for name in names {
            let running = gauge(.serverRunning(endpoint: name))
            guard !running.isEmpty else { continue }
            servers.append(SVGChart.Series(label: "\(name) running", values: running))
            servers.append(SVGChart.Series(label: "\(name) waiting", values: gauge(.serverWaiting(endpoint: name))))
        }
        var body = ""
        if !servers.isEmpty {
            body += section("Servers' own queues", SVGChart.lines(servers, times: times, duration: duration, unit: "", actions: data.actions))
        }
        let cpu = gauge(.clientCPU), lag = gauge(.clientLag)
        if !cpu.isEmpty {
            let bound = zip(cpu, lag).contains { ClientLoad(cpuPercent: $0, loopLagP99Ms: $1).isBound }
            body += section("The client's own headroom", (bound ? "<p class=\"warn\">\(ClientLoad.warning) at times in this run.</p>" : "")
                + SVGChart.lines([SVGChart.Series(label: "CPU (% of all cores)", values: cpu), SVGChart.Series(label: "loop lag p99 (ms)", values: lag)],
                                 times: times, duration: duration, unit: "", actions: data.actions))
        }
        return body
    }

    private static func summary(_ snapshot: StatsSnapshot) -> String {
        let seconds = max(snapshot.elapsed, 0.001)
        var rows: [[String]] = [
            ["records", Format.count(snapshot.done)], ["saved", Format.count(snapshot.succeeded)], ["failed", Format.count(snapshot.failed)],
            ["bad input lines", Format.count(snapshot.badLines)], ["resumed (done earlier)", Format.count(snapshot.resumed)],
            ["attempts", Format.count(snapshot.attempts)], ["retries", Format.count(snapshot.retries)],
            ["resends (not processed, sent again free)", Format.count(snapshot.resends)],
            ["mean rate", Format.rate(Double(snapshot.done) / seconds) + " answers/s (sends " + Format.rate(Double(snapshot.sent) / seconds) + "/s)"],
            ["tokens in / out", "\(Format.count(snapshot.promptTokens)) / \(Format.count(snapshot.completionTokens))"],
        ]
        let kinds = ErrorKind.allCases.compactMap { kind in snapshot.errorsByKind[kind].map { "\(kind.rawValue) \(Format.count($0))" } }
        if !kinds.isEmpty { rows.append(["errors by kind", kinds.joined(separator: ", ")]) }
        if snapshot.serviceLevels != nil {
            rows.append(["goodput", "\(Format.count(snapshot.tokens.good)) (\(snapshot.goodShare.map(Format.percent) ?? "–"))"])
        }
        if let cost = SpendText.summary(snapshot.control.spend) { rows.append(["cost", cost.trimmingPrefix("  cost ").description]) }
        if let stopped = SpendText.stopped(snapshot.control.spend, left: nil) { rows.append(["stopped for money", stopped]) }
        if snapshot.tokens.streamed > 0 {
            let tokens = snapshot.tokens
            rows.append(["TTFT p50 / p99", "\(Format.latency(tokens.ttft.p50)) / \(Format.latency(tokens.ttft.p99))"])
            rows.append(["ITL p50 / TPOT p50", "\(Format.latency(tokens.itl.p50)) / \(Format.latency(tokens.tpot.p50))"])
        }
        return table(rows, head: nil, className: "summary")
    }

    private static func endpointTable(_ snapshot: StatsSnapshot) -> String {
        let head = ["endpoint", "weight", "sent", "ok", "errors", "retries", "resends", "failed records", "p50", "p90", "p99", "TTFT p50", "TTFT p99", "tokens out", "good", "cost"]
        let rows = snapshot.endpoints.map { endpoint in
            [endpoint.name + (endpoint.control.isBatchRoute ? " (batch route)" : ""), Format.weight(endpoint.weight), Format.count(endpoint.sent), Format.count(endpoint.succeeded),
             Format.count(endpoint.errors), Format.count(endpoint.retries), Format.count(endpoint.resends), Format.count(endpoint.failedRecords),
             Format.latency(endpoint.p50), Format.latency(endpoint.p90),
             Format.latency(endpoint.p99), Format.latency(endpoint.tokens.ttft.p50), Format.latency(endpoint.tokens.ttft.p99),
             Format.count(endpoint.tokens.completionTokens), snapshot.serviceLevels == nil ? "–" : endpoint.goodShare.map(Format.percent) ?? "–",
             SpendText.shows(snapshot.control.spend) ? Money.text(endpoint.control.spent) : "–"]
        }
        return table(rows, head: head, className: "endpoints")
    }

    private static func actionsTable(_ actions: [OperatorAction]) -> String {
        guard !actions.isEmpty else { return #"<p class="empty">none: the run went as started</p>"# }
        return table(actions.map { [Format.clock($0.at), $0.what, $0.by] }, head: ["at", "action", "by"], className: "actions")
    }

    private static func table(_ rows: [[String]], head: [String]?, className: String) -> String {
        var html = #"<table class="\#(className)">"#
        if let head { html += "<tr>" + head.map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr>" }
        for row in rows { html += "<tr>" + row.map { "<td>\(SVGChart.escape($0))</td>" }.joined() + "</tr>" }
        return html + "</table>"
    }

    private static func section(_ title: String, _ content: String) -> String {
        "<section><h2>\(SVGChart.escape(title))</h2>\(content)</section>"
    }

    /// The page: inline style, and one line of script that counts the charts drawn (for the browser test).
    private static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(SVGChart.escape(title))</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;background:#fff}
        h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}h3{font-size:14px;margin:16px 0 4px}
        table{border-collapse:collapse;margin:8px 0}td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #eee}
        td:first-child,th:first-child{text-align:left}table.meta td{text-align:left;font-family:monospace;overflow-wrap:anywhere}table.meta td:first-child{white-space:nowrap;font-family:inherit;vertical-align:top}
        .chart{display:block;max-width:100%;height:auto}.grid{stroke:#eee}.axis{stroke:#999}.tick{font-size:11px;fill:#666}
        .bar{fill:#4a90c2}.percentile{stroke:#d62728;stroke-dasharray:4 3}.percentile-label{font-size:11px;fill:#d62728}
        .action{stroke:#555;stroke-dasharray:2 3}.action-label{font-size:10px;fill:#333}
        .legend span{margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
        .empty{color:#888}
        </style></head><body>
        \(body)
        <script>document.body.dataset.charts=String(document.querySelectorAll("svg.chart polyline, svg.chart rect").length>0?document.querySelectorAll("svg.chart").length:0)</script>
        </body></html>

        """
    }
}
