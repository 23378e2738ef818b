extension EndpointFile {
    /// The entry's `metrics_url` (a URL, or `none`) and `server_metrics` (`{running, waiting, kv_cache}`:
    /// a metric name, or a list of them, each).
    static func readServerMetrics(_ map: [String: Any], position: String, into endpoint: inout EndpointConfiguration) throws(EngineError) {
        if let value = map["metrics_url"] {
            if let flag = value as? Bool, !flag {
                endpoint.metricsURL = .none
            } else if let text = value as? String, ["none", "off", "false"].contains(text.lowercased()) {
                endpoint.metricsURL = .none
            } else if let text = value as? String, let url = EndpointURL(text) {
                endpoint.metricsURL = .url(url)
            } else {
                throw .configuration("\(position) needs metrics_url to be a URL like http://gpu-a:8000/metrics, or none")
            }
        }
        guard let value = map["server_metrics"] else { return }
        guard let names = value as? [String: Any] else {
            throw .configuration("\(position) needs server_metrics to be a mapping like {running: NAME, waiting: NAME, kv_cache: NAME}")
        }
        if let unknown = names.keys.first(where: { !["running", "waiting", "kv_cache"].contains($0) }) {
            throw .configuration("\(position) has an unknown server_metrics key \"\(unknown)\" (running, waiting, kv_cache)")
        }
        func list(_ key: String) throws(EngineError) -> [String] {
            guard let entry = names[key] else { return [] }
            let items = (entry as? [Any]) ?? [entry]
            var result: [String] = []
            for item in items {
                guard let name = item as? String, PrometheusText.isMetricName(name) else {
                    throw .configuration("\(position) needs server_metrics.\(key) to be a metric name like vllm:num_requests_running")
                }
                result.append(name)
            }
            return result
        }
        endpoint.serverMetricNames = ServerMetricNames(running: try list("running"), waiting: try list("waiting"), kvCache: try list("kv_cache"))
    }
}
