import Testing
@testable import Engine

/// Reading model servers' own metrics pages: vLLM, SGLang, TGI, llama.cpp, named families, garbage.
@Suite struct ServerMetricsTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let vllm = """
    # HELP vllm:num_requests_running Number of requests in model execution batches.
    # TYPE vllm:num_requests_running gauge
    vllm:num_requests_running{engine="0",model_name="qwen"} 7.0
    vllm:num_requests_running{engine="1",model_name="qwen"} 5.0
    # TYPE vllm:num_requests_waiting gauge
    vllm:num_requests_waiting{engine="0",model_name="qwen"} 3.0
    vllm:num_requests_waiting{engine="1",model_name="qwen"} 0.0
    # TYPE vllm:kv_cache_usage_perc gauge
    vllm:kv_cache_usage_perc{engine="0",model_name="qwen"} 0.5
    vllm:kv_cache_usage_perc{engine="1",model_name="qwen"} 0.25
    vllm:request_success_total{finished_reason="stop",model_name="qwen"} 120.0
    """

    /// vLLM's gauges are summed over engines (running, waiting) and averaged for the KV share.
    @Test func readsVLLM() throws {
        let target = ServerMetricsTarget(endpoint: 0, url: EndpointURL("http://h:1")!, path: "/metrics", names: .known, isGuess: true)
        let load = try #require(target.read(status: 200, body: Self.bytes(Self.vllm), scrapedAt: 5))
        #expect(load == ServerLoad(running: 12, waiting: 3, kvCacheUsage: 0.375, scrapedAt: 5))
    }

    /// llama.cpp exports running and deferred requests and no KV gauge; SGLang and TGI their own names;
    /// vLLM's older `gpu_cache_usage_perc` still reads.
    @Test func readsOtherServers() throws {
        func load(_ text: String) -> ServerLoad? {
            ServerMetricNames.known.load(from: PrometheusText.families(in: Self.bytes(text), names: ServerMetricNames.known.all), scrapedAt: 1)
        }
        #expect(load("llamacpp:requests_processing 4\nllamacpp:requests_deferred 2\nllamacpp:n_busy_slots_per_decode 3.5\n")
            == ServerLoad(running: 4, waiting: 2, kvCacheUsage: nil, scrapedAt: 1))
        #expect(load("sglang:num_running_reqs{tp_rank=\"0\"} 9\nsglang:num_queue_reqs{tp_rank=\"0\"} 1\nsglang:token_usage{tp_rank=\"0\"} 0.8\n")
            == ServerLoad(running: 9, waiting: 1, kvCacheUsage: 0.8, scrapedAt: 1))
        #expect(load("tgi_batch_current_size 16\ntgi_queue_size 4\n") == ServerLoad(running: 16, waiting: 4, scrapedAt: 1))
        #expect(load("vllm:gpu_cache_usage_perc 0.9\n")?.kvCacheUsage == 0.9)
    }

    /// Garbage, HTML, other families, negative or non-finite values and bad statuses give no load.
    @Test func garbageGivesNothing() {
        let target = ServerMetricsTarget(endpoint: 0, url: EndpointURL("http://h:1")!, path: "/metrics", names: .known, isGuess: true)
        #expect(target.read(status: 200, body: Self.bytes("<html><body>not found</body></html>"), scrapedAt: 0) == nil)
        #expect(target.read(status: 200, body: Self.bytes("fanout_requests_total 5\n"), scrapedAt: 0) == nil)
        #expect(target.read(status: 404, body: Self.bytes(Self.vllm), scrapedAt: 0) == nil)
        #expect(target.read(status: 200, body: Self.bytes("vllm:num_requests_running NaN\nvllm:num_requests_waiting -3\n"), scrapedAt: 0) == nil)
        #expect(target.read(status: 200, body: [0xFF, 0xFE, 0x00, 0x0A, 0x7B], scrapedAt: 0) == nil)
        // A label value holding braces, quotes and spaces does not confuse the reader.
        let tricky = #"vllm:num_requests_running{model_name="a} b\"c {x}"} 2"#
        #expect(target.read(status: 200, body: Self.bytes(tricky), scrapedAt: 0)?.running == 2)
        // Counts no server has are not believed (and never reach an integer conversion).
        let lying = target.read(status: 200, body: Self.bytes("vllm:num_requests_running 1e300\nvllm:num_requests_waiting 5e6\nvllm:kv_cache_usage_perc 0.5\n"), scrapedAt: 0)
        #expect(lying?.running == nil && lying?.waiting == nil && lying?.kvCacheUsage == 0.5)
    }

    /// llama.cpp's `/slots` (served without `--metrics`) gives its slots and the busy ones; anything
    /// else at that path gives nothing.
    @Test func readsLlamaSlots() {
        var target = ServerMetricsTarget(endpoint: 0, url: EndpointURL("http://h:1")!, path: "/slots", names: .known, isGuess: true)
        target.kind = .llamaSlots
        let page = #"[{"id":0,"n_ctx":1024,"is_processing":true},{"id":1,"is_processing":false},{"id":2,"is_processing":true},{"id":3,"is_processing":false}]"#
        let load = target.read(status: 200, body: Self.bytes(page), scrapedAt: 3)
        #expect(load?.running == 2 && load?.slots == 4 && load?.waiting == nil && load?.kvCacheUsage == nil)
        for garbage in ["[]", "{\"slots\": 4}", "[1, 2]", "not json", "[{\"is_processing\": true}]"] {
            #expect(target.read(status: 200, body: Self.bytes(garbage), scrapedAt: 0) == nil, "\(garbage)")
        }
    }

    /// An endpoint's own names win; a KV figure given as a percentage is read as a share; names are checked.
    @Test func namedFamilies() throws {
        let names = ServerMetricNames(running: ["my_running"], waiting: ["my_queue"], kvCache: ["my_kv"])
        let load = try #require(names.load(from: PrometheusText.families(in: Self.bytes("my_running 3\nmy_queue 0\nmy_kv 42\n"), names: names.all),
                                           scrapedAt: 2))
        #expect(load == ServerLoad(running: 3, waiting: 0, kvCacheUsage: 0.42, scrapedAt: 2))
        #expect(ServerMetricNames.share(250) == nil)
        #expect(PrometheusText.isMetricName("vllm:num_requests_running") && !PrometheusText.isMetricName("9lives") && !PrometheusText.isMetricName("a b"))
    }

    /// Self-hosted endpoints get guessed `ORIGIN/metrics` and then llama.cpp's `ORIGIN/slots`, hosted
    /// APIs none, a named page is kept with its query, `none` turns it off.
    @Test func targets() {
        var named = EndpointConfiguration(url: EndpointURL("http://gpu-b:8000/v1")!)
        named.metricsURL = .url(EndpointURL("http://gpu-b:9100/stats/prom?x=1")!)
        var off = EndpointConfiguration(url: EndpointURL("http://gpu-c:8000/v1")!)
        off.metricsURL = .none
        let endpoints = [EndpointConfiguration(url: EndpointURL("http://gpu-a:8000/v1")!), EndpointConfiguration(url: EndpointURL("https://api.openai.com/v1")!),
                         named, off, EndpointConfiguration(url: EndpointURL("https://my-res.openai.azure.com/openai/deployments/x")!)]
        let targets = ServerMetricsTarget.targets(for: endpoints)
        #expect(targets.map(\.endpoint) == [0, 0, 2])
        #expect(targets[0].url.description == "http://gpu-a:8000" && targets[0].path == "/metrics" && targets[0].isGuess)
        #expect(targets[1].path == "/slots" && targets[1].kind == .llamaSlots && targets[1].isGuess)
        #expect(targets[2].url.hostAndPort == "gpu-b:9100" && targets[2].path == "/stats/prom?x=1" && !targets[2].isGuess)
    }

    /// A page on the endpoint's own origin gets its headers (its key); a page elsewhere gets none.
    @Test func keysStayOnTheirOrigin() throws {
        var own = EndpointConfiguration(url: EndpointURL("http://gpu-a:8000/v1")!, apiKey: "sk-secret")
        own.metricsURL = .url(EndpointURL("http://gpu-a:8000/metrics")!)
        var elsewhere = EndpointConfiguration(url: EndpointURL("http://gpu-b:8000/v1")!, apiKey: "sk-secret")
        elsewhere.metricsURL = .url(EndpointURL("http://monitor:9090/gpu-b")!)
        let source = try NIOServerMetricsSource(endpoints: [own, elsewhere], connectTimeout: 1)
        #expect(source.headers[0].contains { $0.value.contains("sk-secret") })
        #expect(source.headers[1].isEmpty)
    }
}
