import Engine
import Foundation

/// Rebuilds a report after the fact from a run's save and errors files (`fanout report`).
///
/// Each line is one record's last attempt: with fanout's own lines (`endpoint`, `latency_ms`,
/// `started_at`, the stream fields) the records are replayed in the order they finished into the
/// same accumulator a run uses, which gives the summary, per-endpoint figures, distributions and
/// the timeline; Batch-format lines carry no times or endpoints, so they give the totals only.
/// What the files never held — limits in force, the operator's actions — is absent.
public struct ReportRebuild {
    public init() {}

    /// One record, kept small: the rebuild holds about 140 bytes a record (measured), all of them
    /// until they are sorted by finish time.
    struct Row {
        /// Index into `names`.
        var endpoint: Int32
        var attempts: Int32
        var start: Double?
        var latency: Double
        var promptTokens: Int
        var completionTokens: Int
        /// A streamed answer's time to first token and to the end, seconds (nil: not streamed).
        var ttft: Double?
        var e2e: Double = 0
        var outputTokens: Int = 0
        var tokensReported = false
        var failure: ErrorKind?
        /// `cost_usd` (nil: not written, or null).
        var cost: Double?
        /// Seconds from the first record's start to this one's end (set by `data`).
        var finish: Double = 0
        /// Every send of a record sent more than once (its line's `sends`): endpoint index, resend, failed kind, latency.
        var sends: [(endpoint: Int32, isResend: Bool, kind: ErrorKind?, latency: Double)]?

        var timing: StreamTiming? {
            ttft.map { StreamTiming(ttft: $0, itl: [], outputTokens: outputTokens, tokensReported: tokensReported, duration: e2e) }
        }
    }

    private(set) var rows: [Row] = []
    /// Records read (saved answers and failures).
    public var recordCount: Int { rows.count }
    private(set) var names: [String] = []
    /// Lines that were not records of either file (not JSON, or no `id`), skipped.
    public private(set) var skipped = 0
    private var itl: [String: DurationSamples] = [:]
    /// Endpoints whose lines say `route: "batch"`: batch routes.
    private var batchRoutes = Set<Int>()

    /// Files read that held saved answers: the runs (or shards) the report covers.
    public private(set) var saveFiles = 0

    /// Reads one file's lines; `failures` for an errors file. Without it each line is read by its
    /// content: a non-null `error` makes it a failure, so save and errors files may come in any order.
    public mutating func read(_ path: String, failures: Bool = false) throws(EngineError) {
        let before = rows.count
        try FileLines.forEach(in: path) { bytes in
            line(bytes, failures: failures)
            return true
        }
        if rows[before...].contains(where: { $0.failure == nil }) { saveFiles += 1 }
    }

    private mutating func line(_ bytes: ArraySlice<UInt8>, failures: Bool) {
        guard !FileLines.isBlank(bytes) else { return }
        guard let value = try? JSONParser.parse(bytes), value.isObject, value["id"] != nil || value["custom_id"] != nil,
              let row = row(value, failures: failures) else {
            skipped += 1
            return
        }
        rows.append(row)
    }

    /// The plausible range of each number a record holds; a record with one outside it (a hostile
    /// or corrupt file: `latency_ms` 1e309, `prompt_tokens` −2⁶³, `started_at` 0) is not a record.
    enum Bounds {
        /// Unix seconds: 2000-01-01 to 2100-01-01.
        static let startedAt = 946_684_800.0...4_102_444_800
        /// Milliseconds: up to a week.
        static let milliseconds = 0.0...604_800_000
        static let tokens = 0.0...1e12
        static let dollars = 0.0...1e9
        static let attempts = 0.0...1_000_000
    }

    /// The number at `value` when it is within `range`; `.some(nil)` when absent; nil when present
    /// but not a number in range.
    static func number(_ value: JSONValue?, in range: ClosedRange<Double>) -> Double?? {
        guard let value, value != .null else { return .some(nil) }
        guard let number = value.doubleValue, number.isFinite, range.contains(number) else { return nil }
        return .some(number)
    }

    private mutating func row(_ value: JSONValue, failures: Bool) -> Row? {
        // Anthropic's Message Batches lines keep the answer (and its usage) under result.message.
        let result = value["result"]
        let usage = value["usage"] ?? value["response"]?["body"]?["usage"] ?? result?["message"]?["usage"]
        guard let start = Self.number(value["started_at"], in: Bounds.startedAt),
              let latency = Self.number(value["latency_ms"], in: Bounds.milliseconds),
              let attempts = Self.number(value["attempts"], in: Bounds.attempts),
              let prompt = Self.number(usage?["prompt_tokens"] ?? usage?["input_tokens"], in: Bounds.tokens),
              let completion = Self.number(usage?["completion_tokens"] ?? usage?["output_tokens"], in: Bounds.tokens),
              let output = Self.number(value["output_tokens"], in: Bounds.tokens),
              let ttft = Self.number(value["ttft_ms"], in: Bounds.milliseconds),
              let e2e = Self.number(value["e2e_ms"], in: Bounds.milliseconds),
              let cost = Self.number(value[OutputRecord.costKey], in: Bounds.dollars) else { return nil }
        let gaps: [Double]
        switch value["itl_ms"] {
        case .array(let items)?:
            let read = items.map { Self.number($0, in: Bounds.milliseconds) ?? nil }
            guard read.allSatisfy({ $0 != nil }) else { return nil }
            gaps = read.compactMap { $0 }.map { $0 / 1000 }
        case nil, .null?: gaps = []
        default: return nil
        }
        let name = value["endpoint"]?.stringValue ?? "(batch)"
        let endpoint = names.firstIndex(of: name) ?? { names.append(name); return names.count - 1 }()
        if value["route"] == "batch" { batchRoutes.insert(endpoint) }
        var row = Row(endpoint: Int32(endpoint), attempts: Int32(max(1, attempts ?? 1)), start: start, latency: (latency ?? 0) / 1000,
                      promptTokens: Int(prompt ?? 0), completionTokens: Int(completion ?? output ?? 0))
        row.cost = cost
        row.sends = SendTrace.read(value[SendTrace.key]).map { traces in
            traces.map { trace in
                let index = names.firstIndex(of: trace.endpoint) ?? { names.append(trace.endpoint); return names.count - 1 }()
                return (Int32(index), trace.isResend, trace.errorKind, trace.latency ?? 0)
            }
        }
        if let result, let type = result["type"]?.stringValue {
            if type != "succeeded" { row.failure = Self.messageBatchKind(result) }
            return row
        }
        let batchFailure = value["error"] != nil && value["error"] != .null && value["response"] != nil
        if failures || batchFailure || (value["error"] != nil && value["error"] != .null) {
            // A Batch error line names its kind by code (`server_error`, `rate_limited`, …).
            let code = value["error"]?["code"]?.stringValue
            row.failure = ErrorKind.allCases.first { $0.code == code }
                ?? Self.kind(status: value["status"]?.intValue ?? value["response"]?["status_code"]?.intValue,
                             error: value["error"]?.stringValue ?? value["error"]?["message"]?.stringValue ?? "",
                             attempts: value["attempts"]?.intValue)
            row.attempts = Int32(attempts ?? 1)
        } else if let ttft {
            var samples = itl[name] ?? DurationSamples()
            for gap in gaps { samples.record(gap) }
            itl[name] = samples
            row.ttft = ttft / 1000
            row.e2e = (e2e ?? ttft) / 1000
            row.outputTokens = output.map { Int($0) } ?? row.completionTokens
            row.tokensReported = usage != nil
        }
        return row
    }

    /// The kind of a Message Batches result that did not succeed: `errored` by its Anthropic error
    /// type (as fanout writes them, `MessageBatchOutputRecord.errorType`); `canceled` and `expired` were never sent.
    static func messageBatchKind(_ result: JSONValue) -> ErrorKind {
        let statuses = ["invalid_request_error": 400, "authentication_error": 401, "permission_error": 403, "not_found_error": 404,
                        "request_too_large": 413, "rate_limit_error": 429, "api_error": 500]
        guard result["type"]?.stringValue == "errored" else { return .other }
        let error = result["error"]?["error"]
        let type = error?["type"]?.stringValue ?? "", message = error?["message"]?.stringValue ?? ""
        if type == "overloaded_error" { return .overloaded }
        // A bad input line is written as an invalid request naming its line (`MessageBatchOutputRecord.badLine`).
        if type == "invalid_request_error", message.hasPrefix("line ") { return .badInput }
        return kind(status: statuses[type] ?? (type == "billing_error" ? 402 : nil), error: message, attempts: nil)
    }

    /// An errors line's kind from its status and text (what the run counted it as).
    static func kind(status: Int?, error: String, attempts: Int?) -> ErrorKind {
        if attempts == 0 { return .badInput }
        if let status {
            return status == 429 ? .rateLimited : status >= 500 ? .server : status >= 400 ? .client : .invalidResponse
        }
        let text = error.lowercased()
        if text.contains("timeout") || text.contains("timed out") { return .timeout }
        if text.contains("connect") || text.contains("closed") || text.contains("tls") { return .connection }
        if text.contains("response") || text.contains("json") { return .invalidResponse }
        return .other
    }

    /// A row's sends: as its `sends` tell them (each send's endpoint, retries, resends, and the
    /// failed attempts before the last), else all its attempts at its endpoint.
    static func replaySends(of row: Row, endpoint: Int, at sentAt: Double, into stats: inout StatsAccumulator) {
        guard let sends = row.sends else {
            for attempt in 0..<Int(row.attempts) { stats.record(.sent(endpoint: endpoint, isRetry: attempt > 0), at: sentAt) }
            return
        }
        var attempted = false
        for (index, send) in sends.enumerated() {
            let at = Int(send.endpoint)
            if send.isResend {
                stats.record(.resent(endpoint: at), at: sentAt)
            } else {
                stats.record(.sent(endpoint: at, isRetry: attempted), at: sentAt)
                attempted = true
            }
            // The last send's outcome is the row's own.
            if index < sends.count - 1, let kind = send.kind {
                stats.record(.failed(endpoint: at, kind: kind, latency: send.latency, message: kind.rawValue, final: false), at: sentAt)
            }
        }
    }

    /// The report: the rows replayed in the order they finished (sorted in place, so no second copy
    /// of them is made), the timeline sampled each second.
    public mutating func data(save: String, errors: String, runs: Int = 1, version: String) -> ReportData {
        let configurations = names.map { EndpointConfiguration(name: $0, url: EndpointURL("http://rebuilt.invalid/v1")!, weight: 1) }
        var stats = StatsAccumulator(endpoints: configurations)
        let origin = rows.compactMap(\.start).min() ?? 0
        for index in rows.indices { rows[index].finish = ((rows[index].start ?? origin) - origin) + rows[index].latency }
        rows.sort { $0.finish < $1.finish }
        var second = 0.0
        // What the rows cost, as a run's scheduler would report it, so the timeline and the summary carry it.
        var control = ControlState()
        control.endpoints = names.map { _ in EndpointControl(weight: 1, inFlight: 0) }
        for row in rows {
            let finish = row.finish
            while finish >= second + 1 {
                // Across a long quiet gap the empty seconds are not sampled one by one.
                second = finish - second > 60 ? finish.rounded(.down) : second + 1
                // The spend as it stands, handed over once per sample rather than once per row.
                if control.spend.isPriced { stats.update(control) }
                stats.sampleTimeline(at: second - 0.001)
            }
            let endpoint = Int(row.endpoint)
            if let cost = row.cost {
                control.endpoints[endpoint].spent += cost
                control.spend.spent += cost
                control.spend.isPriced = true
            }
            let sentAt = max(0, finish - row.latency)
            Self.replaySends(of: row, endpoint: endpoint, at: sentAt, into: &stats)
            if let kind = row.failure {
                if kind == .badInput {
                    stats.record(.badLine(line: 0, reason: "bad input line"), at: finish)
                } else {
                    stats.record(.failed(endpoint: endpoint, kind: kind, latency: row.latency, message: kind.rawValue, final: true), at: finish)
                }
            } else {
                stats.record(.succeeded(endpoint: endpoint, latency: row.latency, promptTokens: row.promptTokens,
                                        completionTokens: row.completionTokens, timing: row.timing), at: finish)
            }
        }
        let end = rows.last?.finish ?? 0
        if control.spend.isPriced { stats.update(control) }
        stats.sampleTimeline(at: end)
        var snapshot = stats.snapshot(at: end, progress: SourceProgress())
        snapshot.state = .done
        var all = DurationSamples()
        for index in snapshot.endpoints.indices {
            snapshot.endpoints[index].url = ""
            snapshot.endpoints[index].control.isBatchRoute = batchRoutes.contains(index)
            if let samples = itl[snapshot.endpoints[index].name] {
                snapshot.endpoints[index].tokens.itl = samples.percentiles
                all.add(samples)
            }
        }
        if all.count > 0 { snapshot.tokens.itl = all.percentiles }
        var meta = ReportData.Meta(command: "", startedAt: origin, endedAt: origin + end, version: version,
                                   source: "files", input: "", save: save, errors: errors, endpoints: names.map { ($0, "") })
        meta.runs = runs
        meta.coverage = ReportData.coverage(ofFiles: runs)
        return ReportData(meta: meta, snapshot: snapshot, timeline: stats.timeline, actions: [])
    }
}
