import ArgumentParser
import Foundation
import Testing
@testable import Engine
@testable import fanout

@Suite struct RunOptionsTests {
    let directory: String
    let input: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("opts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        input = directory + "/prompts.jsonl"
        try "{\"input\":\"x\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
    }

    /// The seed's snake_case flags and kebab-case both parse, to the same values.
    @Test func bothSpellings() throws {
        let snake = try RunOptions.parse(["--requests_filepath", input, "--max_requests_per_second", "10000", "--max_attempts", "3",
                                          "--save_filepath", directory + "/out.jsonl", "--endpoint", "http://127.0.0.1:8001/v1"])
        let kebab = try RunOptions.parse(["--requests-filepath", input, "--max-requests-per-second", "10000", "--max-attempts", "3",
                                          "--save-filepath", directory + "/out.jsonl", "--endpoint", "http://127.0.0.1:8001/v1"])
        for options in [snake, kebab] {
            #expect(options.requestsFilepath == input)
            #expect(options.maxRequestsPerSecond == 10000)
            #expect(options.maxAttempts == 3)
        }
    }

    /// Defaults: save path from the input name, an errors file named after it, OpenAI's URL, the documented limits.
    @Test func defaults() throws {
        let options = try RunOptions.parse(["--requests_filepath", input])
        let plan = try options.makePlan(environment: ["OPENAI_API_KEY": "sk-test-key-123456"])
        #expect(plan.savePath == directory + "/prompts_results.jsonl")
        #expect(plan.errorsPath == directory + "/prompts_results_errors.jsonl" && plan.errorsPathIsDefault)
        #expect(plan.configuration.endpoints.map(\.url.description) == ["https://api.openai.com/v1"])
        #expect(plan.configuration.endpoints.first?.apiKey == "sk-test-key-123456")
        #expect(plan.configuration.rate == 100 && plan.configuration.maxInFlight == 1024)
        #expect(plan.configuration.retryPolicy.maxAttempts == 5 && plan.configuration.timeout == 600)
        #expect(RunOptions.defaultSavePath(for: "data/in.txt") == "data/in.txt_results.jsonl")
        let based = try options.makePlan(environment: ["OPENAI_BASE_URL": "http://127.0.0.1:9/v1"])
        #expect(based.configuration.endpoints.first?.name == "127.0.0.1:9")
        #expect(based.configuration.endpoints.first?.apiKey == nil)
    }

    /// Weighted endpoints keep their order and weights; names repeat with a suffix.
    @Test func endpoints() throws {
        let options = try RunOptions.parse(["--requests_filepath", input, "--endpoint", "http://127.0.0.1:8001/v1@3",
                                            "--endpoint", "http://127.0.0.1:8001/v1@0"])
        let plan = try options.makePlan(environment: [:])
        #expect(plan.configuration.endpoints.map(\.weight) == [3, 0])
        #expect(plan.configuration.endpoints.map(\.name) == ["127.0.0.1:8001", "127.0.0.1:8001#2"])
    }

    /// Each invalid value is refused with a sentence naming its option.
    @Test func rejectsInvalidValues() throws {
        let endpointsFile = directory + "/bad.yaml"
        try "- url: [unclosed".write(toFile: endpointsFile, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["--endpoint", "http://h:1@-1"], "--endpoint"),
            (["--endpoint", "http://h:1@0"], "weight above 0"),
            (["--max_requests_per_second", "-5"], "--max_requests_per_second"),
            (["--max_attempts", "0"], "--max_attempts"),
            (["--save_filepath", input], "must differ"),
            (["--save_filepath", directory + "/missing/out.jsonl"], "does not exist"),
            (["--endpoints", endpointsFile], "--endpoints"),
            (["--endpoint", "localhost:8000"], "--endpoint"),
            (["--max_in_flight", "0"], "--max_in_flight"),
            (["--max_in_flight", "lots"], "--max_in_flight"),
            (["--rate_limit_patience", "soon"], "--rate_limit_patience"),
            (["--rate_limit_patience", "30d"], "--rate_limit_patience"),
            (["--rate_limit_patience", "-5"], "--rate_limit_patience"),
            (["--max_in_flight", "-3"], "--max_in_flight"),
        ]
        for (arguments, expected) in cases {
            do {
                _ = try RunOptions.parse(["--requests_filepath", input] + arguments).makePlan(environment: [:])
                Issue.record("accepted \(arguments)")
            } catch {
                let message = RunOptions.message(for: error)
                #expect(message.contains(expected), "\(arguments): \(message)")
                #expect(!message.contains("\n"))
            }
        }
        #expect(throws: (any Error).self) { try RunOptions.parse(["--requests_filepath", directory + "/nope.jsonl"]).makePlan(environment: [:]) }
    }

    /// Parsing runs only the checks that need no file: a missing endpoints file parses, and building
    /// the plan (what `run()` does) refuses it with a sentence naming the option.
    @Test func validateIsCheap() throws {
        let options = try RunOptions.parse(["--requests_filepath", input, "--endpoints", directory + "/absent.yaml"])
        #expect(throws: ValidationError.self) { try options.makePlan(environment: [:]) }
        #expect(throws: (any Error).self) { try RunOptions.parse(["--requests_filepath", input, "--max_attempts", "0"]) }
    }

    /// --shard i/n, and --shards n with the index from JOB_COMPLETION_INDEX; misuse is refused.
    @Test func shards() throws {
        let explicit = try RunOptions.parse(["--requests_filepath", input, "--shard", "1/4"]).makePlan(environment: [:])
        #expect(explicit.configuration.shard == Shard(index: 1, count: 4))
        #expect(throws: (any Error).self) { try RunOptions.parse(["--requests_filepath", input, "--shards", "4"]).makePlan(environment: [:]) }
        setenv("JOB_COMPLETION_INDEX", "3", 1)
        defer { unsetenv("JOB_COMPLETION_INDEX") }
        let indexed = try RunOptions.parse(["--requests_filepath", input, "--shards", "4"]).makePlan(environment: ["JOB_COMPLETION_INDEX": "3"])
        #expect(indexed.configuration.shard == Shard(index: 3, count: 4))
        #expect(throws: (any Error).self) { try RunOptions.parse(["--requests_filepath", input, "--shard", "4/4"]).makePlan(environment: [:]) }
        #expect(throws: (any Error).self) { try RunOptions.parse(["--requests_filepath", input, "--shard", "0/2", "--shards", "2"]) }
    }

    /// --fleet_rate is the fleet's rate: each of n shards takes rate / n; it needs shards and no per-shard rate.
    @Test func fleetRate() throws {
        let shard = try RunOptions.parse(["--requests_filepath", input, "--shard", "1/3", "--fleet_rate", "300"]).makePlan(environment: [:])
        #expect(shard.configuration.rate == 100)
        let indexed = try RunOptions.parse(["--requests_filepath", input, "--shards", "4", "--fleet-rate", "1000"])
            .makePlan(environment: ["JOB_COMPLETION_INDEX": "0"])
        #expect(indexed.configuration.rate == 250)
        #expect(try RunOptions.parse(["--requests_filepath", input, "--shard", "0/2", "--fleet_rate", "0"]).makePlan(environment: [:]).configuration.rate == 0)
        for arguments in [["--fleet_rate", "300"], ["--shard", "0/2", "--fleet_rate", "300", "--max_requests_per_second", "50"],
                          ["--shard", "0/2", "--fleet_rate", "-1"], ["--shard", "0/2", "--fleet_rate", "300", "--max_requests_per_minute", "60"]] {
            #expect(throws: (any Error).self, "\(arguments)") { try RunOptions.parse(["--requests_filepath", self.input] + arguments).makePlan(environment: [:]) }
        }
    }

    /// The issue-7 options parse into the plan; bad values are one sentence naming the option.
    @Test func limitsFormatMetricsAndLogging() throws {
        let options = try RunOptions.parse(["--requests_filepath", input, "--output_format", "openai-batch", "--max_tokens_per_minute", "90000",
                                            "--metrics_port", "9464", "--log_level", "debug", "--log_file", directory + "/run.log"])
        let plan = try options.makePlan(environment: [:])
        #expect(plan.configuration.outputFormat == .openAIBatch && plan.configuration.tokensPerMinute == 90000)
        #expect(plan.metricsPort == 9464 && plan.logLevel == .debug && plan.logFile == directory + "/run.log")
        for (arguments, fragment) in [(["--max_tokens_per_minute", "-1"], "--max_tokens_per_minute"),
                                      (["--metrics_port", "70000"], "--metrics_port"),
                                      (["--log_file", directory + "/x.log"], "--log_file needs --log_level"),
                                      (["--output_format", "csv"], "output_format")] {
            #expect {
                try RunOptions.parse(["--requests_filepath", input] + arguments).makePlan(environment: [:])
            } throws: { error in
                RunOptions.message(for: error).contains(fragment)
            }
        }
    }

    /// `--max_in_flight auto` gives every endpoint without a cap an automatic one; an endpoints file's
    /// `max_in_flight: auto` does it for one; the rate-limit patience takes durations; learning can be turned off.
    @Test func adaptiveOptions() throws {
        let file = directory + "/auto.yaml"
        try "- url: http://a:1/v1\n  max_in_flight: auto\n- url: http://b:1/v1\n  max_in_flight: 8\n".write(toFile: file, atomically: true, encoding: .utf8)
        let auto = try RunOptions.parse(["--requests_filepath", input, "--endpoints", file, "--max_in_flight", "auto",
                                         "--rate_limit_patience", "1h", "--no_learn_limits"]).makePlan(environment: [:])
        #expect(auto.configuration.maxInFlight == nil)
        #expect(auto.configuration.endpoints.map(\.adaptiveInFlight) == [true, false])
        #expect(auto.configuration.endpoints[1].maxInFlight == 8)
        #expect(auto.configuration.rateLimitPatience == 3600 && !auto.configuration.learnsLimits)
        let fixed = try RunOptions.parse(["--requests_filepath", input, "--endpoints", file]).makePlan(environment: [:])
        #expect(fixed.configuration.maxInFlight == 1024 && fixed.configuration.rateLimitPatience == 900 && fixed.configuration.learnsLimits)
        let scheduler = Scheduler(endpoints: fixed.configuration.endpoints, rate: 0, maxInFlight: 1024, retryPolicy: RetryPolicy(maxAttempts: 1))
        #expect(scheduler.control(now: 0).endpoints.map(\.limits.capIsAuto) == [true, false])
        try "- url: http://a:1/v1\n  max_in_flight: sometimes\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try RunOptions.parse(["--requests_filepath", input, "--endpoints", file]).makePlan(environment: [:]) }
    }

    /// An endpoints file's rps, rpm and tpm become the endpoint's own limits (the stricter of rps and rpm).
    @Test func endpointLimitsFromFile() throws {
        let file = directory + "/endpoints.yaml"
        try "- url: http://a:1/v1\n  rpm: 600\n  rps: 20\n  tpm: 90000\n- url: http://b:1/v1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let plan = try RunOptions.parse(["--requests_filepath", input, "--endpoints", file]).makePlan(environment: [:])
        #expect(plan.configuration.endpoints[0].requestsPerSecond == 10 && plan.configuration.endpoints[0].tokensPerMinute == 90000)
        #expect(plan.configuration.endpoints[1].requestsPerSecond == nil)
        try "- url: http://a:1/v1\n  tpm: 0\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try RunOptions.parse(["--requests_filepath", input, "--endpoints", file]).makePlan(environment: [:]) }
    }

    /// --stream and --slo parse into the configuration; --slo takes any subset of ttft, tpot and e2e
    /// once each, refuses what it does not know, and refuses ttft/tpot when nothing streams.
    @Test func streamAndServiceLevels() throws {
        let base = ["--requests_filepath", input, "--endpoint", "http://127.0.0.1:8001/v1"]
        let plan = try RunOptions.parse(base + ["--stream", "--slo", "ttft = 500ms, TPOT=50ms,e2e=10s"]).makePlan(environment: [:])
        #expect(plan.configuration.stream)
        #expect(plan.configuration.serviceLevels == ServiceLevels(ttft: 0.5, tpot: 0.05, e2e: 10))
        #expect(try RunOptions.parse(base).makePlan(environment: [:]).configuration.serviceLevels == nil)
        for bad in ["ttft", "ttft=0", "speed=1s", "ttft=1s,ttft=2s", "", "e2e=2d"] {
            do {
                _ = try RunOptions.parse(base + ["--stream", "--slo", bad])
                Issue.record("accepted --slo \(bad)")
            } catch {
                #expect(RunOptions.message(for: error).contains("--slo"), "\(bad)")
            }
        }
        #expect(throws: (any Error).self) { try RunOptions.parse(base + ["--slo", "ttft=1s"]).makePlan(environment: [:]) }
        #expect(try RunOptions.parse(base + ["--slo", "e2e=1s"]).makePlan(environment: [:]).configuration.serviceLevels?.e2e == 1)
        try "{\"body\":{\"messages\":[],\"stream\":true}}\n".write(toFile: input, atomically: true, encoding: .utf8)
        #expect(try RunOptions.parse(base + ["--slo", "tpot=20ms"]).makePlan(environment: [:]).configuration.serviceLevels?.tpot == 0.02)
    }

    /// The OpenAI cookbook script's flags carry over: --request_url is an endpoint, the per-minute rate
    /// is divided by 60, --logging_level takes Python's numbers; --api_key is refused without echoing it.
    @Test func cookbookFlags() throws {
        let plan = try RunOptions.parse(["--requests_filepath", input, "--request_url", "http://127.0.0.1:8001/v1/chat/completions",
                                         "--max_requests_per_minute", "1500", "--logging_level", "20", "--token_encoding_name", "cl100k_base"])
            .makePlan(environment: [:])
        #expect(plan.configuration.endpoints.map(\.url.description) == ["http://127.0.0.1:8001/v1"])
        #expect(plan.configuration.rate == 25 && plan.logLevel == .info)
        #expect(plan.warnings.contains { $0.contains("--token_encoding_name") })
        do {
            _ = try RunOptions.parse(["--requests_filepath", input, "--api_key", "sk-secret-from-argv"])
            Issue.record("--api_key accepted")
        } catch {
            let message = RunOptions.message(for: error)
            #expect(message.contains("OPENAI_API_KEY") && !message.contains("sk-secret-from-argv"))
        }
    }

    /// Mistyped options and subcommands get the nearest real name; unrelated words get none.
    @Test func didYouMean() {
        #expect(DidYouMean.sentence(for: "Missing expected argument", arguments: ["--request_filepath", "x"])
                == "unknown option --request_filepath — did you mean --requests_filepath?")
        #expect(DidYouMean.sentence(for: "", arguments: ["valdiate", "--requests_filepath", "x"])?.contains("fanout validate") == true)
        #expect(DidYouMean.sentence(for: "", arguments: ["--requests_filepath", "x", "--zzzzzzzzzzzz"]) == "unknown option --zzzzzzzzzzzz")
        #expect(DidYouMean.sentence(for: "", arguments: ["--requests_filepath", "x", "--timeout", "3"]) == nil)
        #expect(DidYouMean.options(of: RunCommand.self).contains("--max_requests_per_minute"))
    }

    /// Durations take units everywhere (a bare number stays seconds, 0 included); an --slo target
    /// without a unit is refused with a hint, never read as seconds.
    @Test func durationsTakeUnits() throws {
        let base = ["--requests_filepath", input, "--endpoint", "http://127.0.0.1:8001/v1"]
        let plan = try RunOptions.parse(base + ["--timeout", "30s", "--connect_timeout", "500ms", "--drain_timeout", "0",
                                                "--unreachable_after", "2m"]).makePlan(environment: [:])
        #expect(plan.configuration.timeout == 30 && plan.connectTimeout == 0.5)
        #expect(plan.configuration.drainTimeout == 0 && plan.configuration.unreachableAfter == 120)
        #expect(try RunOptions.parse(base + ["--timeout", "45"]).makePlan(environment: [:]).configuration.timeout == 45)
        #expect(throws: (any Error).self) { try RunOptions.parse(base + ["--timeout", "30 parsecs"]) }
        do {
            _ = try RunOptions.parse(base + ["--stream", "--slo", "ttft=500"])
            Issue.record("a bare --slo target was accepted")
        } catch {
            #expect(RunOptions.message(for: error).contains("ttft=500ms"))
        }
    }

    /// --proxy, --ca_file and --http1 reach every endpoint: the route and trust are printed at start
    /// without credentials; the environment's proxy is read when --proxy is absent; `--transport ahc`
    /// is still accepted.
    @Test func networkOptions() throws {
        let caFile = input + ".ca.pem"
        try Self.fixtureCA.write(toFile: caFile, atomically: true, encoding: .utf8)
        let base = ["--requests_filepath", input, "--endpoint", "https://gpu.corp:8443/v1", "--endpoint", "http://127.0.0.1:8001/v1"]
        let plan = try RunOptions.parse(base + ["--proxy", "http://me:s3cret@proxy.corp:3128", "--ca_file", caFile, "--http1", "--transport", "ahc"])
            .makePlan(environment: [:])
        let endpoints = plan.configuration.endpoints
        #expect(endpoints.allSatisfy { $0.route.proxy?.host == "proxy.corp" && !$0.tls.offersHTTP2 && $0.tls.caFiles == [caFile] })
        #expect(plan.routeLines.count == 2 && plan.routeLines.allSatisfy { $0.contains("via proxy http://***@proxy.corp:3128 (--proxy)") })
        #expect(!plan.routeLines.joined().contains("s3cret"))
        let environment = try RunOptions.parse(base).makePlan(environment: ["HTTPS_PROXY": "proxy.corp:3128", "HTTP_PROXY": "proxy.corp:3128", "NO_PROXY": "other.corp"])
        #expect(environment.configuration.endpoints[0].route.description == "via proxy http://proxy.corp:3128 (HTTPS_PROXY)")
        #expect(environment.configuration.endpoints[1].route.description == "direct (loopback, not proxied from HTTP_PROXY)")
        #expect(try RunOptions.parse(base).makePlan(environment: [:]).routeLines.isEmpty)
    }

    /// A throwaway self-signed CA certificate (its key was thrown away), for reading only.
    static let fixtureCA = """
    -----BEGIN CERTIFICATE-----
    MIIBjjCCATWgAwIBAgIUexmUP01Z7FuYo+Hq27bPwhBuB80wCgYIKoZIzj0EAwIw
    HDEaMBgGA1UEAwwRZmFub3V0IGZpeHR1cmUgQ0EwIBcNMjYxMTMwMTA1NjQ0WhgP
    MjEyNjExMDYxMDU2NDRaMBwxGjAYBgNVBAMMEWZhbm91dCBmaXh0dXJlIENBMFkw
    EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3uCx4/ClWZVMxkMPsD67JUyvUXLOIPU/
    kWBb44jSIxHISoNzDspyAI4sVt7trY6Gwe/s1mv7hoCQBIpzLVbEbKNTMFEwHQYD
    VR0OBBYEFAw8ZCEn5ANb2g798CQEsfpbbSVwMB8GA1UdIwQYMBaAFAw8ZCEn5ANb
    2g798CQEsfpbbSVwMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIg
    GSKG1Or7hyobZvg2JECwAdsFrwWDOAR1WM+yHP9WqRkCIBiCVRLSCOAIx+rd0Bqt
    VYC2HcFgNnWAL0sk4y+Z84Ol
    -----END CERTIFICATE-----
    """

    /// A proxy fanout cannot use, or a CA file that is not there, is refused before anything is sent.
    @Test func refusesBadNetworkSettings() throws {
        let base = ["--requests_filepath", input, "--endpoint", "https://gpu.corp:8443/v1"]
        let cases: [([String], [String: String], String)] = [
            (["--proxy", "socks5://u:hunter2@h:1080"], [:], "--proxy: the proxy \"socks5://***@h:1080\" is a socks5:// proxy"),
            ([], ["HTTPS_PROXY": "http://u:hunter2@h:99999"], "HTTPS_PROXY: the proxy"),
            (["--ca_file", "/nonexistent/ca.pem"], [:], "ca_file /nonexistent/ca.pem does not exist"),
            ([], ["SSL_CERT_FILE": "/nonexistent/bundle.pem"], "SSL_CERT_FILE /nonexistent/bundle.pem does not exist"),
        ]
        for (arguments, environment, message) in cases {
            do {
                _ = try RunOptions.parse(base + arguments).makePlan(environment: environment)
                Issue.record("accepted \(arguments) \(environment)")
            } catch {
                let text = RunOptions.message(for: error)
                #expect(text.contains(message) && !text.contains("hunter2"), "\(text)")
            }
        }
    }
}

