import Engine
import Foundation

extension ReportData {
    /// The report's figures as JSON, schema `fanout-report/1` (documented in the README).
    var json: JSONValue {
        .object([
            JSONField("schema", "fanout-report/1"),
            JSONField("meta", metaJSON),
            JSONField("summary", summaryJSON),
            JSONField("endpoints", .array(snapshot.endpoints.map(Self.endpointJSON))),
            JSONField("timeline", timelineJSON),
            JSONField("actions", .array(actions.map { .object([JSONField("at_s", Self.number($0.at, digits: 1)), JSONField("what", .string($0.what)), JSONField("source", .string($0.source.rawValue))]) })),
        ])
    }

    private var metaJSON: JSONValue {
        .object([
            JSONField("fanout_version", .string(meta.version)),
            JSONField("source", .string(meta.source)),
            JSONField("command", .string(meta.command)),
            JSONField("started_at", .string(Self.iso(meta.startedAt))),
            JSONField("ended_at", .string(Self.iso(meta.endedAt))),
            JSONField("duration_s", Self.number(snapshot.elapsed, digits: 1)),
            JSONField("input", .string(meta.input)),
            JSONField("save", .string(meta.save)),
            JSONField("errors", .string(meta.errors)),
            JSONField("runs", .number(meta.runs)),
            JSONField("coverage", .string(meta.coverage)),
            JSONField("endpoints", .array(meta.endpoints.map { .object([JSONField("name", .string($0.name)), JSONField("url", .string($0.url))]) })),
            JSONField("slo", snapshot.serviceLevels.map { levels in
                .object([("ttft_ms", levels.ttft), ("tpot_ms", levels.tpot), ("e2e_ms", levels.e2e)].compactMap { name, value in
                    value.map { JSONField(name, Self.number($0 * 1000, digits: 1)) }
                })
            } ?? .null),
        ])
    }

    private var summaryJSON: JSONValue {
        let tokens = snapshot.tokens
        return .object([
            JSONField("records", .number(snapshot.done)),
            JSONField("saved", .number(snapshot.succeeded)),
            JSONField("failed", .number(snapshot.failed)),
            JSONField("bad_lines", .number(snapshot.badLines)),
            JSONField("resumed", .number(snapshot.resumed)),
            JSONField("attempts", .number(snapshot.attempts)),
            JSONField("retries", .number(snapshot.retries)),
            JSONField("resends", .number(snapshot.resends)),
            JSONField("prompt_tokens", .number(snapshot.promptTokens)),
            JSONField("completion_tokens", .number(snapshot.completionTokens)),
            JSONField("cost_usd", SpendText.shows(snapshot.control.spend) ? Self.number(snapshot.control.spend.spent, digits: 6) : .null),
            JSONField("cost_usd_earlier_runs", Self.number(snapshot.control.spend.spentBefore, digits: 6)),
            JSONField("max_cost_usd", snapshot.control.spend.cap.map { Self.number($0, digits: 6) } ?? .null),
            JSONField("spend_stop", snapshot.control.spend.stop.map { .string($0.rawValue) } ?? .null),
            JSONField("errors_by_kind", .object(ErrorKind.allCases.compactMap { kind in
                snapshot.errorsByKind[kind].map { JSONField(kind.code, .number($0)) }
            })),
            JSONField("good", snapshot.serviceLevels == nil ? .null : .number(tokens.good)),
            JSONField("streamed", .number(tokens.streamed)),
            JSONField("ttft_ms", Self.percentilesJSON(tokens.ttft)),
            JSONField("itl_ms", Self.percentilesJSON(tokens.itl)),
            JSONField("tpot_ms", Self.percentilesJSON(tokens.tpot)),
        ])
    }

    private static func endpointJSON(_ endpoint: EndpointSnapshot) -> JSONValue {
        let tokens = endpoint.tokens
        return .object([
            JSONField("name", .string(endpoint.name)),
            JSONField("url", .string(endpoint.url)),
            JSONField("route", endpoint.control.isBatchRoute ? "batch" : "realtime"),
            JSONField("weight", .number(endpoint.weight)),
            JSONField("sent", .number(endpoint.sent)),
            JSONField("ok", .number(endpoint.succeeded)),
            JSONField("errors", .number(endpoint.errors)),
            JSONField("retries", .number(endpoint.retries)),
            JSONField("resends", .number(endpoint.resends)),
            JSONField("failed_records", .number(endpoint.failedRecords)),
            JSONField("cost_usd", number(endpoint.control.spent, digits: 6)),
            JSONField("latency_ms", percentilesJSON(Percentiles(p50: endpoint.p50, p90: endpoint.p90, p99: endpoint.p99))),
            JSONField("ttft_ms", percentilesJSON(tokens.ttft)),
            JSONField("itl_ms", percentilesJSON(tokens.itl)),
            JSONField("tpot_ms", percentilesJSON(tokens.tpot)),
            JSONField("prompt_tokens", .number(tokens.promptTokens)),
            JSONField("completion_tokens", .number(tokens.completionTokens)),
            JSONField("streamed", .number(tokens.streamed)),
            JSONField("good", .number(tokens.good)),
            JSONField("latency_bins", binsJSON(endpoint.latencyDistribution)),
            JSONField("ttft_bins", binsJSON(tokens.ttftDistribution)),
        ])
    }

    private var timelineJSON: JSONValue {
        func series(_ map: [TimelineSeries: [Double]]) -> JSONValue {
            .object(map.map { ($0.key.key, $0.value) }.sorted { $0.0 < $1.0 }.map { name, values in
                JSONField(name, .array(values.map { Self.number($0, digits: name.hasPrefix("cost/") ? 6 : 2) }))
            })
        }
        return .object([
            JSONField("bucket_s", Self.number(timeline.bucketSeconds, digits: 3)),
            JSONField("points", .number(timeline.length)),
            JSONField("counts", series(timeline.counts)),
            JSONField("gauges", series(timeline.gauges)),
        ])
    }

    /// `{"p50", "p90", "p99"}` in milliseconds, or null before any value.
    static func percentilesJSON(_ percentiles: Percentiles) -> JSONValue {
        guard let p50 = percentiles.p50 else { return .null }
        return .object([JSONField("p50", number(p50 * 1000, digits: 2)), JSONField("p90", number((percentiles.p90 ?? p50) * 1000, digits: 2)),
                        JSONField("p99", number((percentiles.p99 ?? p50) * 1000, digits: 2))])
    }

    /// The occupied log bins: `{"lower_ms": [...], "counts": [...]}` (each bin's lower edge).
    static func binsJSON(_ distribution: Distribution) -> JSONValue {
        guard let first = distribution.counts.firstIndex(where: { $0 > 0 }), let last = distribution.counts.lastIndex(where: { $0 > 0 }) else {
            return .object([JSONField("lower_ms", []), JSONField("counts", [])])
        }
        return .object([
            JSONField("lower_ms", .array((first...last).map { number(Distribution.lowerEdge(of: $0) * 1000, digits: 3) })),
            JSONField("counts", .array((first...last).map { .number(distribution.counts[$0]) })),
        ])
    }

    static func number(_ value: Double, digits: Int) -> JSONValue {
        let scale = pow(10, Double(digits))
        return .number((value * scale).rounded() / scale)
    }

    static func iso(_ unix: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: unix))
    }
}
