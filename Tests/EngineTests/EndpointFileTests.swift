import Testing
@testable import Engine

@Suite struct EndpointFileTests {
    /// YAML entries are read with their keys taken from the named environment variables.
    @Test func readsYAML() throws {
        let yaml = """
            - name: gpu-a
              url: http://10.0.0.5:8000/v1
              weight: 3
              max_in_flight: 64
              model: llama
            - url: https://api.openai.com/v1
              api_key_env: MY_KEY
              headers: {OpenAI-Organization: org-1}
            """
        let endpoints = try EndpointFile.parse(yaml, environment: ["MY_KEY": "sk-secret", "OPENAI_API_KEY": "sk-default"],
                                               defaultKeyVariable: "OPENAI_API_KEY")
        #expect(endpoints.count == 2)
        #expect(endpoints[0].name == "gpu-a" && endpoints[0].weight == 3 && endpoints[0].maxInFlight == 64)
        #expect(endpoints[0].apiKey == "sk-default" && endpoints[0].model == "llama")
        #expect(endpoints[1].name == "api.openai.com:443" && endpoints[1].apiKey == "sk-secret")
        #expect(endpoints[1].headers == [HeaderField("OpenAI-Organization", "org-1")])
        #expect(!endpoints[1].description.contains("sk-secret"))
    }

    /// JSON works too, under an `endpoints` key.
    @Test func readsJSON() throws {
        let endpoints = try EndpointFile.parse(#"{"endpoints": [{"url": "http://h:1", "weight": 0.5}]}"#,
                                               environment: [:], defaultKeyVariable: "K")
        #expect(endpoints.first?.weight == 0.5 && endpoints.first?.apiKey == nil)
    }

    /// Broken files fail with a reason naming the entry.
    @Test(arguments: [("[", "not valid"), ("[]", "non-empty"), ("- url: nope", "entry 1"), ("- url: http://h:1\n  weight: -2", "negative"),
                      ("- url: http://h:1\n  colour: red", "unknown key")])
    func rejectsBrokenFiles(_ text: String, _ reason: String) {
        do {
            _ = try EndpointFile.parse(text, environment: [:], defaultKeyVariable: "K")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(reason))
        }
    }

    /// A YAML alias bomb is refused before it expands, and so is a file over 1 MiB; a small alias is fine.
    @Test func boundsWhatAFileExpandsTo() throws {
        var bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
        for (name, previous) in zip("bcdefghi", "abcdefgh") {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        bomb += "endpoints: [*i]\n"
        #expect(throws: EngineError.self) { try EndpointFile.parse(bomb, environment: [:], defaultKeyVariable: "K") }
        do {
            _ = try EndpointFile.parse(bomb, environment: [:], defaultKeyVariable: "K")
        } catch {
            #expect(error.description.contains("10,000 YAML nodes"))
        }
        let huge = "- url: http://h:1\n" + String(repeating: "# padding\n", count: 120_000)
        #expect(throws: EngineError.self) { try EndpointFile.parse(huge, environment: [:], defaultKeyVariable: "K") }
        let shared = "common: &h {X-Team: blue}\nendpoints:\n  - {url: \"http://h:1\", headers: *h}\n  - {url: \"http://h:2\", headers: *h}\n"
        let endpoints = try EndpointFile.parse(shared, environment: [:], defaultKeyVariable: "K")
        #expect(endpoints.count == 2 && endpoints[1].headers == [HeaderField("X-Team", "blue")])
    }

    /// `proxy`, `ca_file`, `client_cert` and `client_key` are read per endpoint; a certificate
    /// without its key, or a proxy that is not a URL, is refused naming the entry.
    @Test func networkKeys() throws {
        let yaml = """
        - url: https://gateway.corp/v1
          proxy: http://u:pw@proxy.corp:3128
          ca_file: /etc/corp/ca.pem
          client_cert: /etc/corp/me.pem
          client_key: /etc/corp/me.key
        - url: http://10.0.0.5:8000/v1
          proxy: none
        """
        let endpoints = try EndpointFile.parse(yaml, environment: [:], defaultKeyVariable: "OPENAI_API_KEY")
        #expect(endpoints[0].proxyChoice == .proxy(try ProxyServer.parse("http://u:pw@proxy.corp:3128")))
        #expect(endpoints[0].tls.caFiles == ["/etc/corp/ca.pem"] && endpoints[0].tls.clientCertificate == "/etc/corp/me.pem" && endpoints[0].tls.clientKey == "/etc/corp/me.key")
        #expect(endpoints[1].proxyChoice == .direct && endpoints[1].tls == TLSSettings())
        for (entry, message) in [("client_cert: /a.pem", "entry 1 needs client_cert and client_key together"),
                                 ("proxy: 3128", "entry 1 needs proxy to be a URL"),
                                 ("proxy: socks5://h:1", "entry 1: the proxy \"socks5://h:1\" is a socks5:// proxy"),
                                 ("ca_file: ''", "entry 1 needs ca_file to be a file path")] {
            #expect { try EndpointFile.parse("- url: https://h/v1\n  \(entry)\n", environment: [:], defaultKeyVariable: "K") } throws: {
                ($0 as? EngineError)?.description.contains(message) == true
            }
        }
    }
}


/// `metrics_url` and `server_metrics` in an endpoints file.
@Suite struct EndpointFileServerMetricsTests {
    /// A URL, `none` or `false`, and names (one or a list) are read; anything else is a sentence.
    @Test func readsTheKeys() throws {
        let yaml = """
        - url: http://gpu-a:8000/v1
          metrics_url: http://gpu-a:9000/metrics
          server_metrics: {running: my_running, waiting: [my_waiting, other_waiting], kv_cache: my_kv}
        - url: http://gpu-b:8000/v1
          metrics_url: none
        - url: http://gpu-c:8000/v1
          metrics_url: false
        - url: http://gpu-d:8000/v1
        """
        let endpoints = try EndpointFile.parse(yaml, environment: [:], defaultKeyVariable: "K")
        #expect(endpoints[0].metricsURL == .url(EndpointURL("http://gpu-a:9000/metrics")!))
        #expect(endpoints[0].serverMetricNames == ServerMetricNames(running: ["my_running"], waiting: ["my_waiting", "other_waiting"], kvCache: ["my_kv"]))
        #expect(endpoints[1].metricsURL == .none && endpoints[2].metricsURL == .none && endpoints[3].metricsURL == .automatic)
        for bad in ["metrics_url: 42", "metrics_url: ftp://x", "server_metrics: running", "server_metrics: {queue: x}", "server_metrics: {running: \"a b\"}"] {
            #expect(throws: EngineError.self) { try EndpointFile.parse("- url: http://h:1\n  \(bad)\n", environment: [:], defaultKeyVariable: "K") }
        }
    }
}
