/// A stats snapshot in the Prometheus text exposition format (version 0.0.4).
///
/// Rendered from the snapshot at scrape time rather than kept in a metrics library's own
/// counters: the snapshot already holds every figure, so nothing extra runs per request.
public enum PrometheusExposition {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ snapshot: StatsSnapshot) -> String {
        var out = Output()
        out.metric("fanout_lines_read_total", "counter", "Input lines read.", snapshot.read)
        out.family("fanout_records_total", "counter", "Records with a final outcome, by outcome.")
        out.sample("fanout_records_total", ["outcome": "succeeded"], snapshot.succeeded)
        out.sample("fanout_records_total", ["outcome": "failed"], snapshot.failed - snapshot.badLines)
        out.sample("fanout_records_total", ["outcome": "bad_line"], snapshot.badLines)
        out.sample("fanout_records_total", ["outcome": "resumed"], snapshot.resumed)
        out.metric("fanout_retries_total", "counter", "Attempts that were retries.", snapshot.retries)
        out.metric("fanout_pending_retries", "gauge", "Failed records waiting for their next attempt.", snapshot.pendingRetries)
        out.family("fanout_errors_total", "counter", "Failed attempts and bad lines, by kind.")
        for kind in ErrorKind.allCases {
            out.sample("fanout_errors_total", ["kind": kind.code], snapshot.errorsByKind[kind] ?? 0)
        }
        out.metric("fanout_in_flight", "gauge", "Requests awaiting an answer.", snapshot.inFlight)
        // Under auto the ceiling is not what holds: the endpoints' learned caps are.
        let capInForce = snapshot.inFlightIsAuto ? snapshot.endpoints.reduce(0) { $0 + ($1.maxInFlight ?? 0) } : snapshot.maxInFlight
        out.metric("fanout_max_in_flight", "gauge", "Cap on requests awaiting an answer in force (under auto, the sum of the endpoints' learned caps).", capInForce)
        out.metric("fanout_target_rate", "gauge", "Requests per second allowed (0: no limit).", snapshot.targetRate)
        out.metric("fanout_send_rate", "gauge", "Requests sent per second over the last 5 s.", snapshot.measuredRate)
        out.family("fanout_tokens_total", "counter", "Tokens the answers reported, by type.")
        out.sample("fanout_tokens_total", ["type": "prompt"], snapshot.promptTokens)
        out.sample("fanout_tokens_total", ["type": "completion"], snapshot.completionTokens)
        out.metric("fanout_paused", "gauge", "1 while the run is paused.", snapshot.state == .paused ? 1 : 0)

        let endpoints = snapshot.endpoints
        out.family("fanout_endpoint_requests_total", "counter", "Attempts sent, per endpoint.")
        for endpoint in endpoints { out.sample("fanout_endpoint_requests_total", ["endpoint": endpoint.name], endpoint.sent) }
        out.family("fanout_endpoint_errors_total", "counter", "Failed attempts, per endpoint.")
        for endpoint in endpoints { out.sample("fanout_endpoint_errors_total", ["endpoint": endpoint.name], endpoint.errors) }
        out.family("fanout_endpoint_retries_total", "counter", "Retries sent, per endpoint.")
        for endpoint in endpoints { out.sample("fanout_endpoint_retries_total", ["endpoint": endpoint.name], endpoint.retries) }
        out.family("fanout_endpoint_resends_total", "counter", "Requests sent again without spending an attempt (stream_options refused), per endpoint.")
        for endpoint in endpoints { out.sample("fanout_endpoint_resends_total", ["endpoint": endpoint.name], endpoint.resends) }
        out.family("fanout_endpoint_in_flight", "gauge", "Requests awaiting an answer, per endpoint.")
        for endpoint in endpoints { out.sample("fanout_endpoint_in_flight", ["endpoint": endpoint.name], endpoint.inFlight) }
        out.family("fanout_endpoint_weight", "gauge", "Balancing weight, per endpoint (0: drained).")
        for endpoint in endpoints { out.sample("fanout_endpoint_weight", ["endpoint": endpoint.name], endpoint.weight) }
        out.family("fanout_endpoint_up", "gauge", "1 when the endpoint takes requests (not drained, cooling or ejected).")
        for endpoint in endpoints { out.sample("fanout_endpoint_up", ["endpoint": endpoint.name], endpoint.state == .ready ? 1 : 0) }
        let rated = endpoints.filter { $0.limits.rate != nil }
        if !rated.isEmpty {
            out.family("fanout_endpoint_rate_limit", "gauge", "Requests per second the endpoint is held to, by where the limit comes from (configured, learned from 429s, or from x-ratelimit-limit headers).")
            for endpoint in rated {
                let source = endpoint.limits.rateSource?.rawValue ?? "configured"
                out.sample("fanout_endpoint_rate_limit", ["endpoint": endpoint.name, "source": source], endpoint.limits.rate ?? 0)
            }
        }
        let capped = endpoints.filter { $0.limits.inFlightCap != nil }
        if !capped.isEmpty {
            out.family("fanout_endpoint_in_flight_cap", "gauge", "The endpoint's in-flight cap, by mode (auto: found while the run goes; fixed).")
            for endpoint in capped {
                let mode = endpoint.limits.capIsAuto ? "auto" : "fixed"
                out.sample("fanout_endpoint_in_flight_cap", ["endpoint": endpoint.name, "mode": mode], endpoint.limits.inFlightCap ?? 0)
            }
        }
        let limited = endpoints.filter { $0.providerLimits != nil }
        if !limited.isEmpty {
            out.family("fanout_endpoint_ratelimit_remaining", "gauge", "What the endpoint's x-ratelimit-remaining-* headers last said.")
            for endpoint in limited {
                let limits = endpoint.providerLimits!
                if let left = limits.remainingRequests { out.sample("fanout_endpoint_ratelimit_remaining", ["endpoint": endpoint.name, "resource": "requests"], left) }
                if let left = limits.remainingTokens { out.sample("fanout_endpoint_ratelimit_remaining", ["endpoint": endpoint.name, "resource": "tokens"], left) }
            }
        }
        out.histogram("fanout_request_duration_seconds", "Time from sending an attempt to its answer or failure, per endpoint.",
                      endpoints.map { ($0.name, $0.latencyBuckets) })
        out.histogram("fanout_endpoint_ttft_seconds", "Time from writing a streamed request to its first output chunk, per endpoint.",
                      endpoints.map { ($0.name, $0.tokens.ttftBuckets) })
        out.histogram("fanout_endpoint_itl_seconds", "Gaps between a streamed answer's output chunks (per token when the server reports usage per chunk), per endpoint.",
                      endpoints.map { ($0.name, $0.tokens.itlBuckets) })
        out.family("fanout_endpoint_tokens_total", "counter", "Tokens of saved answers (usage, else streamed chunks), per endpoint and type.")
        for endpoint in endpoints {
            out.sample("fanout_endpoint_tokens_total", ["endpoint": endpoint.name, "type": "prompt"], endpoint.tokens.promptTokens)
            out.sample("fanout_endpoint_tokens_total", ["endpoint": endpoint.name, "type": "completion"], endpoint.tokens.completionTokens)
        }
        out.family("fanout_endpoint_output_tokens_per_second", "gauge", "Output tokens per second over the last 5 s, per endpoint.")
        for endpoint in endpoints {
            out.sample("fanout_endpoint_output_tokens_per_second", ["endpoint": endpoint.name], endpoint.tokens.outputTokensPerSecond)
        }
        cost(snapshot, into: &out)
        headroom(snapshot, into: &out)
        if snapshot.serviceLevels != nil {
            out.family("fanout_endpoint_good_records_total", "counter", "Saved records that met every --slo target, per endpoint.")
            for endpoint in endpoints { out.sample("fanout_endpoint_good_records_total", ["endpoint": endpoint.name], endpoint.tokens.good) }
        }
        return out.text
    }

    /// Both sides: the servers' own gauges as last scraped, and fanout's own CPU and loop lag.
    private static func headroom(_ snapshot: StatsSnapshot, into out: inout Output) {
        let served = snapshot.endpoints.compactMap { endpoint in endpoint.control.server.map { (endpoint.name, $0) } }
        for (name, help, value) in [("fanout_server_requests_running", "Requests the endpoint's server runs, from its own metrics page.", \ServerLoad.running),
                                    ("fanout_server_requests_waiting", "Requests waiting at the endpoint's server for a slot, from its own metrics page.", \ServerLoad.waiting),
                                    ("fanout_server_kv_cache_usage", "The share (0-1) of the endpoint's server KV cache in use, from its own metrics page.", \ServerLoad.kvCacheUsage)] {
            let samples = served.compactMap { name, load in load[keyPath: value].map { (name, $0) } }
            guard !samples.isEmpty else { continue }
            out.family(name, "gauge", help)
            for (endpoint, figure) in samples { out.sample(name, ["endpoint": endpoint], figure) }
        }
        guard let client = snapshot.control.client else { return }
        out.metric("fanout_client_cpu_percent", "gauge", "fanout's own CPU use over the last second, percent of all cores.", client.cpuPercent)
        out.metric("fanout_client_loop_lag_p99_seconds", "gauge", "The 99th percentile of a 10 ms timer's delay over the last 5 s.", client.loopLagP99Ms / 1000)
        out.metric("fanout_client_bound", "gauge", "1 while fanout's CPU or loop lag passes its threshold (its figures include its own delay).", client.isBound ? 1 : 0)
    }

    /// Money: this run's spend per endpoint, the total with earlier runs', the rate, the cap.
    private static func cost(_ snapshot: StatsSnapshot, into out: inout Output) {
        let spend = snapshot.control.spend
        out.family("fanout_cost_usd_total", "counter", "US dollars spent by this run, per endpoint (priced from each answer's usage, or cost_per_hour over time).")
        for endpoint in snapshot.endpoints { out.sample("fanout_cost_usd_total", ["endpoint": endpoint.name], endpoint.control.spent) }
        out.metric("fanout_cost_spent_usd", "gauge", "US dollars spent, what the save and errors files recorded from earlier runs included.", spend.spent)
        out.metric("fanout_cost_usd_per_minute", "gauge", "US dollars spent per minute over the last minute.", spend.perMinute)
        guard let cap = spend.cap else { return }
        out.metric("fanout_cost_cap_usd", "gauge", "The spend cap (--max_cost), US dollars.", cap)
        out.metric("fanout_cost_reserved_usd", "gauge", "US dollars held for the worst cases of requests in flight.", spend.reserved)
        out.metric("fanout_cost_cap_reached", "gauge", "1 once sending stopped for money (the cap, or every endpoint out of money).", spend.stop == nil ? 0 : 1)
    }

    private struct Output {
        var text = ""

        /// A histogram family with one series per endpoint: cumulative buckets, +Inf, sum and count.
        mutating func histogram(_ name: String, _ help: String, _ series: [(endpoint: String, buckets: LatencyBuckets)]) {
            family(name, "histogram", help)
            for (endpoint, buckets) in series {
                for (bound, count) in zip(buckets.bounds, buckets.cumulativeCounts) {
                    sample(name + "_bucket", ["endpoint": endpoint, "le": Self.number(bound)], count)
                }
                sample(name + "_bucket", ["endpoint": endpoint, "le": "+Inf"], buckets.count)
                sample(name + "_sum", ["endpoint": endpoint], buckets.sum)
                sample(name + "_count", ["endpoint": endpoint], buckets.count)
            }
        }

        mutating func family(_ name: String, _ type: String, _ help: String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }

        mutating func metric(_ name: String, _ type: String, _ help: String, _ value: some BinaryInteger) {
            family(name, type, help)
            sample(name, [:], value)
        }

        mutating func metric(_ name: String, _ type: String, _ help: String, _ value: Double) {
            family(name, type, help)
            sample(name, [:], value)
        }

        mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String>, _ value: some BinaryInteger) {
            line(name, labels, String(value))
        }

        mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String>, _ value: Double) {
            line(name, labels, Self.number(value))
        }

        private mutating func line(_ name: String, _ labels: KeyValuePairs<String, String>, _ value: String) {
            text += name
            if !labels.isEmpty {
                text += "{" + labels.map { "\($0.key)=\"\(Self.escape($0.value))\"" }.joined(separator: ",") + "}"
            }
            text += " \(value)\n"
        }

        static func number(_ value: Double) -> String {
            value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        }

        /// Label values escape backslash, double quote and newline.
        static func escape(_ value: String) -> String {
            var escaped = ""
            for character in value {
                switch character {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                default: escaped.append(character)
                }
            }
            return escaped
        }
    }
}
