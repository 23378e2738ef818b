import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// Proxies, private CAs, mutual TLS and HTTP/2 against real third-party servers (tinyproxy, nginx)
/// started by the tests on 127.0.0.1, driven through the `fanout` binary.
@Suite(.serialized, .tags(.integration)) struct NetworkTests {
    let binary = BinaryTests()

    func arguments(_ harness: Harness, _ endpoint: String, _ more: [String] = []) -> [String] {
        ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoint", endpoint,
         "--max_requests_per_second", "0", "--no-tui"] + more
    }

    /// Every input id exactly once over the save and errors files.
    func expectEveryRecordOnce(_ harness: Harness, count: Int, saved: Int? = nil) throws {
        let records = try Harness.read(harness.savePath), errors = (try? Harness.read(harness.errorsPath)) ?? []
        let ids = (records + errors).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == count && Set(ids) == Set((1...count).map(String.init)))
        if let saved { #expect(records.count == saved, "errors: \(errors.prefix(2))") }
    }

    /// Plain http through a proxy that wants credentials: absolute-form requests with
    /// Proxy-Authorization from the URL; the route is shown at start without the password, which
    /// is nowhere in the output.
    @Test func plainHTTPThroughAuthenticatingProxy() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let proxy = try Tinyproxy(credentials: ("fanout", "pr0xy-s3cret"))
        defer { proxy.stop() }
        try harness.writeInput(Harness.prompts(30))
        let log = harness.directory.appendingPathComponent("fanout.log").path
        let run = try binary.fanout(arguments(harness, server.baseURL, ["--proxy", "http://fanout:pr0xy-s3cret@127.0.0.1:\(proxy.port)",
                                                                        "--log_level", "info", "--log_file", log]))
        #expect(run.status == 0, "\(run.stderr)")
        let logText = try String(contentsOfFile: log, encoding: .utf8)
        #expect(logText.contains("endpoint route") && logText.contains("via proxy http://***@127.0.0.1:\(proxy.port)") && !logText.contains("pr0xy-s3cret"))
        try expectEveryRecordOnce(harness, count: 30, saved: 30)
        #expect(run.stderr.contains("route: 127.0.0.1:\(server.port) (\(server.baseURL)): via proxy http://***@127.0.0.1:\(proxy.port) (--proxy)"), "\(run.stderr)")
        #expect(proxy.requestCount >= 30 && proxy.log.contains("POST http://127.0.0.1:\(server.port)/v1/chat/completions"))
        let saved = try String(contentsOfFile: harness.savePath, encoding: .utf8)
        #expect(!(run.stderr + run.stdout + saved).contains("pr0xy-s3cret"))
        // Without the credentials the proxy says 407: the error says what to do, and the run ends as
        // unreachable instead of sending every record to a proxy that will refuse it.
        try harness.writeInput(Harness.prompts(50))
        let refused = try binary.fanout(arguments(harness, server.baseURL, ["--proxy", proxy.url, "--restart", "--unreachable_after", "2"]))
        await server.stop()
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("the proxy \(proxy.url) wants credentials (407): put them in the proxy URL"), "\(refused.stderr)")
    }

    /// https through a proxy named by the endpoint's own `proxy`: a CONNECT tunnel, TLS to nginx
    /// inside it with the private CA from `ca_file`, HTTP/2 negotiated through the tunnel.
    @Test func httpsTunnelsThroughEndpointProxy() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let pki = try TestPKI(in: harness.directory)
        let nginx = try Nginx(backendPort: server.port, pki: pki)
        let proxy = try Tinyproxy()
        defer { nginx.stop(); proxy.stop() }
        try harness.writeInput(Harness.prompts(40))
        let endpoints = harness.directory.appendingPathComponent("endpoints.yaml").path
        try """
        - name: gateway
          url: https://localhost:\(nginx.port)/v1
          proxy: \(proxy.url)
          ca_file: \(pki.caCertificate)
        """.write(toFile: endpoints, atomically: true, encoding: .utf8)
        let run = try binary.fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoints", endpoints,
                                     "--max_requests_per_second", "0", "--no-tui"])
        await server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        try expectEveryRecordOnce(harness, count: 40, saved: 40)
        #expect(run.stderr.contains("route: gateway (https://localhost:\(nginx.port)/v1): via proxy http://127.0.0.1:\(proxy.port) (the endpoint's proxy); trusts ca_file \(pki.caCertificate)"), "\(run.stderr)")
        #expect(proxy.log.contains("CONNECT localhost:\(nginx.port)"))
        #expect(nginx.requests.count == 40 && nginx.requests.allSatisfy { $0.protocol == "HTTP/2.0" && $0.status == "200" })
    }

    /// The environment's proxy as curl reads it: HTTPS_PROXY carries a non-loopback host to the
    /// proxy (which cannot resolve it, and says so), NO_PROXY sends it direct (a DNS error of our
    /// own), and a loopback endpoint never goes through it.
    @Test func environmentProxyAndNoProxy() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let proxy = try Tinyproxy()
        defer { proxy.stop() }
        try harness.writeInput(Harness.prompts(1))
        let remote = "https://fanout-test.invalid/v1"
        let quick = ["--max_attempts", "1", "--unreachable_after", "1", "--restart"]
        let proxied = try binary.fanout(arguments(harness, remote, quick), environment: ["HTTPS_PROXY": proxy.url])
        #expect(proxied.stderr.contains("route: fanout-test.invalid:443 (https://fanout-test.invalid/v1): via proxy \(proxy.url) (HTTPS_PROXY)"), "\(proxied.stderr)")
        #expect(proxied.stderr.contains("the proxy \(proxy.url) refused a tunnel to fanout-test.invalid:443"), "\(proxied.stderr)")
        #expect(proxy.log.contains("CONNECT fanout-test.invalid:443"))
        let direct = try binary.fanout(arguments(harness, remote, quick), environment: ["https_proxy": proxy.url, "no_proxy": "example.com,.invalid"])
        #expect(direct.stderr.contains("direct (no_proxy)") && direct.stderr.contains("cannot resolve the host name"), "\(direct.stderr)")
        let server = try await MockServer.start()
        let loopback = try binary.fanout(arguments(harness, server.baseURL, ["--restart"]), environment: ["HTTP_PROXY": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9"])
        await server.stop()
        #expect(loopback.status == 0 && loopback.stderr.contains("direct (loopback, not proxied from HTTP_PROXY)"), "\(loopback.stderr)")
    }

    /// A proxy that refuses — a CONNECT its rules forbid (403), or no proxy listening — gives a
    /// clear error naming the proxy, and the endpoint is ejected instead of hammered: a handful of
    /// tries for 200 records, and the run ends as unreachable (exit 4) with nothing lost.
    @Test func refusingProxyIsClearAndQuiet() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let pki = try TestPKI(in: harness.directory)
        let nginx = try Nginx(backendPort: server.port, pki: pki)
        let proxy = try Tinyproxy(connectPorts: [443])
        defer { nginx.stop(); proxy.stop() }
        try harness.writeInput(Harness.prompts(200))
        let endpoint = "https://localhost:\(nginx.port)/v1"
        let forbidden = try binary.fanout(arguments(harness, endpoint, ["--proxy", proxy.url, "--ca_file", pki.caCertificate, "--unreachable_after", "3"]))
        #expect(forbidden.status == 4, "\(forbidden.stderr)")
        #expect(forbidden.stderr.contains("the proxy \(proxy.url) refused a tunnel to localhost:\(nginx.port) (403"), "\(forbidden.stderr)")
        #expect(proxy.requestCount <= 20, "\(proxy.requestCount) CONNECTs for 200 records")
        #expect(nginx.requests.isEmpty)
        let closedPort = try NetworkServers.freePort()
        let dead = try binary.fanout(arguments(harness, endpoint, ["--proxy", "http://u:pw-secret@127.0.0.1:\(closedPort)", "--ca_file", pki.caCertificate, "--unreachable_after", "2"]))
        await server.stop()
        #expect(dead.status == 4)
        #expect(dead.stderr.contains("cannot reach the proxy http://***@127.0.0.1:\(closedPort): connection refused"), "\(dead.stderr)")
        #expect(!dead.stderr.contains("pw-secret"))
        let records = (try? Harness.read(harness.savePath)) ?? [], errors = (try? Harness.read(harness.errorsPath)) ?? []
        #expect(records.isEmpty && errors.isEmpty, "unsent records stay for the next run")
    }

    /// A private CA: refused with a clear reason without it; trusted from --ca_file, SSL_CERT_FILE
    /// or SSL_CERT_DIR; a certificate for another name is refused naming that.
    @Test func privateCertificateAuthority() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let pki = try TestPKI(in: harness.directory)
        let nginx = try Nginx(backendPort: server.port, pki: pki)
        defer { nginx.stop() }
        try harness.writeInput(Harness.prompts(5))
        let endpoint = "https://localhost:\(nginx.port)/v1"
        let untrusted = try binary.fanout(arguments(harness, endpoint, ["--unreachable_after", "1"]))
        #expect(untrusted.status == 4 && untrusted.stderr.contains("(untrusted certificate)"), "\(untrusted.stderr)")
        let flag = try binary.fanout(arguments(harness, endpoint, ["--ca_file", pki.caCertificate, "--restart"]))
        #expect(flag.status == 0, "\(flag.stderr)")
        try expectEveryRecordOnce(harness, count: 5, saved: 5)
        let file = try binary.fanout(arguments(harness, endpoint, ["--restart"]), environment: ["SSL_CERT_FILE": pki.caCertificate])
        #expect(file.status == 0 && file.stderr.contains("trusts SSL_CERT_FILE \(pki.caCertificate)"), "\(file.stderr)")
        let hashed = harness.directory.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: hashed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: pki.caCertificate, toPath: hashed.appendingPathComponent("ca.pem").path)
        try NetworkServers.run("/usr/bin/openssl", ["rehash", hashed.path], in: harness.directory)
        let directory = try binary.fanout(arguments(harness, endpoint, ["--restart"]), environment: ["SSL_CERT_DIR": hashed.path])
        #expect(directory.status == 0, "\(directory.stderr)")
        // 127.0.0.1 is not a name the certificate was issued for here.
        let otherPKI = try TestPKI(in: try NetworkServers.directory("pki"), hostnames: "DNS:localhost")
        let named = try Nginx(backendPort: server.port, pki: otherPKI)
        defer { named.stop() }
        let mismatch = try binary.fanout(arguments(harness, "https://127.0.0.1:\(named.port)/v1", ["--ca_file", otherPKI.caCertificate, "--restart", "--unreachable_after", "1"]))
        await server.stop()
        #expect(mismatch.status == 4 && mismatch.stderr.contains("for another host name"), "\(mismatch.stderr)")
        let missing = try binary.fanout(arguments(harness, endpoint, ["--ca_file", "/nonexistent/ca.pem", "--restart"]))
        #expect(missing.status == 2 && missing.stderr.contains("ca_file /nonexistent/ca.pem does not exist"), "\(missing.stderr)")
    }

    /// Mutual TLS: a gateway that requires a client certificate answers with one from the
    /// endpoint's client_cert/client_key; without it the error says to set them; a key that does
    /// not match the certificate stops the run before anything is sent.
    @Test func mutualTLS() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let pki = try TestPKI(in: harness.directory)
        let nginx = try Nginx(backendPort: server.port, pki: pki, clientCA: pki.caCertificate)
        defer { nginx.stop() }
        try harness.writeInput(Harness.prompts(10))
        func endpoints(key: String?) throws -> String {
            let path = harness.directory.appendingPathComponent("endpoints-\(UUID().uuidString).yaml").path
            var text = "- url: https://localhost:\(nginx.port)/v1\n  ca_file: \(pki.caCertificate)\n"
            if let key { text += "  client_cert: \(pki.clientCertificate)\n  client_key: \(key)\n" }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func run(_ file: String) throws -> BinaryTests.Run {
            try binary.fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoints", file,
                               "--max_requests_per_second", "0", "--no-tui", "--restart", "--max_attempts", "1"])
        }
        let presented = try run(try endpoints(key: pki.clientKey))
        #expect(presented.status == 0 && presented.stderr.contains("client certificate \(pki.clientCertificate)"), "\(presented.stderr)")
        try expectEveryRecordOnce(harness, count: 10, saved: 10)
        let without = try run(try endpoints(key: nil))
        #expect(without.status == 1)
        let error = try Harness.read(harness.errorsPath).first?["error"]?.stringValue ?? ""
        #expect(error.contains("requires a client certificate") && error.contains("client_cert and client_key"), "\(error)")
        let mismatched = try run(try endpoints(key: pki.strayKey))
        await server.stop()
        #expect(mismatched.status == 2 && mismatched.stderr.contains("does not match client_cert"), "\(mismatched.stderr)")
    }

    /// HTTP/2 by ALPN: 300 requests, 64 at a time, share a few connections up to the server's
    /// SETTINGS_MAX_CONCURRENT_STREAMS (8 here); --http1 keeps to HTTP/1.1; a server that does not
    /// offer h2 gets HTTP/1.1.
    @Test func http2MultiplexesUpToTheServersLimit() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.05))
        let pki = try TestPKI(in: harness.directory)
        let nginx = try Nginx(backendPort: server.port, pki: pki, extra: "http2_max_concurrent_streams 8;")
        let plain = try Nginx(backendPort: server.port, pki: pki, http2: false)
        defer { nginx.stop(); plain.stop() }
        try harness.writeInput(Harness.prompts(300))
        let endpoint = "https://localhost:\(nginx.port)/v1"
        let run = try binary.fanout(arguments(harness, endpoint, ["--ca_file", pki.caCertificate, "--max_in_flight", "64"]))
        #expect(run.status == 0, "\(run.stderr)")
        try expectEveryRecordOnce(harness, count: 300, saved: 300)
        let requests = nginx.requests
        let connections = Set(requests.map(\.connection)).count
        #expect(requests.count == 300 && requests.allSatisfy { $0.protocol == "HTTP/2.0" })
        #expect(connections >= 8 && connections <= 16, "\(connections) connections")
        let http1 = try binary.fanout(arguments(harness, endpoint, ["--ca_file", pki.caCertificate, "--max_in_flight", "64", "--restart", "--http1"]))
        #expect(http1.status == 0 && nginx.requests.filter { $0.protocol == "HTTP/1.1" }.count == 300, "\(http1.stderr)")
        let fallback = try binary.fanout(arguments(harness, "https://localhost:\(plain.port)/v1", ["--ca_file", pki.caCertificate, "--restart"]))
        await server.stop()
        #expect(fallback.status == 0 && plain.requests.count == 300 && plain.requests.allSatisfy { $0.protocol == "HTTP/1.1" })
    }

    /// A server that ends connections with GOAWAY every 5 requests: requests it refused are sent
    /// again without spending an attempt, so with --max_attempts 1 every record is saved once.
    @Test func goAwayCostsNoAttempt() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.02))
        let pki = try TestPKI(in: harness.directory)
        let nginx = try Nginx(backendPort: server.port, pki: pki, extra: "keepalive_requests 5;")
        defer { nginx.stop() }
        try harness.writeInput(Harness.prompts(400))
        let run = try binary.fanout(arguments(harness, "https://localhost:\(nginx.port)/v1", ["--ca_file", pki.caCertificate, "--max_in_flight", "64", "--max_attempts", "1"]))
        await server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        try expectEveryRecordOnce(harness, count: 400, saved: 400)
        #expect(Set(nginx.requests.map(\.connection)).count >= 80)
        #expect(try Harness.read(harness.savePath).allSatisfy { $0["attempts"] == 1 })
    }

    /// A server whose SETTINGS allow no streams (nginx http2_max_concurrent_streams 0): the run says
    /// so, never "timeout", writes no error record for requests never sent, and ends as unreachable.
    @Test func serverAllowingNoStreams() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let pki = try TestPKI(in: harness.directory)
        let nginx = try Nginx(backendPort: server.port, pki: pki, extra: "http2_max_concurrent_streams 0;")
        defer { nginx.stop() }
        try harness.writeInput(Harness.prompts(10))
        let run = try binary.fanout(arguments(harness, "https://localhost:\(nginx.port)/v1",
                                              ["--ca_file", pki.caCertificate, "--max_requests_per_second", "2", "--unreachable_after", "3", "--timeout", "5"]))
        await server.stop()
        #expect(run.status == 4 && run.stderr.contains("allows no HTTP/2 streams") && !run.stderr.contains("timeout after"), "\(run.stderr)")
        #expect(try Harness.read(harness.errorsPath).isEmpty && server.arrivals == 0)
    }

    /// Streamed answers over HTTP/2 are timed as they arrive, like over HTTP/1.1.
    @Test func streamsOverHTTP2() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var behavior = MockBehavior(latency: 0.1, secondsPerToken: 0.01)
        behavior.outputTokens = 8
        let server = try await MockServer.start(behavior: behavior)
        let pki = try TestPKI(in: harness.directory)
        let nginx = try Nginx(backendPort: server.port, pki: pki)
        defer { nginx.stop() }
        try harness.writeInput(Harness.prompts(20))
        let run = try binary.fanout(arguments(harness, "https://localhost:\(nginx.port)/v1", ["--ca_file", pki.caCertificate, "--stream"]))
        await server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        let saved = try Harness.read(harness.savePath)
        #expect(saved.count == 20 && saved.allSatisfy { ($0["ttft_ms"]?.doubleValue ?? 0) >= 100 && $0["output_tokens"] == 8 })
        #expect(nginx.requests.allSatisfy { $0.protocol == "HTTP/2.0" })
    }

    /// Each HTTP/2 stream times out on its own deadline (one watcher per connection, not a timer
    /// per stream): 12 answers slower than --timeout all fail as timeouts, promptly, once each.
    @Test func http2StreamsTimeOut() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 3))
        let pki = try TestPKI(in: harness.directory)
        let nginx = try Nginx(backendPort: server.port, pki: pki)
        defer { nginx.stop() }
        try harness.writeInput(Harness.prompts(12))
        let started = Date()
        let run = try binary.fanout(arguments(harness, "https://localhost:\(nginx.port)/v1",
                                              ["--ca_file", pki.caCertificate, "--timeout", "400ms", "--max_attempts", "1"]))
        let seconds = Date().timeIntervalSince(started)
        await server.stop()
        #expect(run.status == 1, "\(run.stderr)")
        try expectEveryRecordOnce(harness, count: 12, saved: 0)
        #expect(try Harness.read(harness.errorsPath).allSatisfy { ($0["error"]?.stringValue ?? "").contains("timeout") })
        #expect(seconds < 3, "the run took \(seconds) s")
        #expect(nginx.requests.isEmpty || nginx.requests.allSatisfy { $0.protocol == "HTTP/2.0" })
    }
}
