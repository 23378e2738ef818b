import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The Prometheus endpoint, scraped over a real socket while and after a run.
@Suite(.tags(.integration)) struct MetricsServerTests {
    /// A plain HTTP/1.1 GET on 127.0.0.1 over a POSIX socket: status line and body.
    static func get(port: Int, path: String) throws -> (status: String, body: String) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw EngineError.connect("metrics port \(port)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (parts[0].components(separatedBy: "\r\n")[0], parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// After a run the scrape shows its counters and per-endpoint histogram; other paths are 404.
    @Test func scrapesARun() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(30))
        let configuration = EngineConfiguration(endpoints: [Harness.endpoint(server)], rate: 0, maxInFlight: 8)
        let engine = Engine(configuration: configuration,
                            source: try JSONLFileSource(path: harness.inputPath, defaults: RequestDefaults()),
                            transport: try NIOHTTPTransport(endpoints: configuration.endpoints, connectionsPerEndpoint: 8, connectTimeout: 2),
                            sink: try JSONLFileSink(savePath: harness.savePath, errorsPath: harness.errorsPath))
        let metrics = try await MetricsServer.start(port: 0) { await engine.snapshot() }
        let during = try Self.get(port: metrics.port, path: "/metrics")
        #expect(during.status == "HTTP/1.1 200 OK" && during.body.contains("# TYPE fanout_in_flight gauge"))
        _ = await engine.run()
        let after = try Self.get(port: metrics.port, path: "/metrics")
        let missing = try Self.get(port: metrics.port, path: "/")
        await metrics.stop()
        await server.stop()
        let lines = Set(after.body.split(separator: "\n").map(String.init))
        let name = configuration.endpoints[0].name
        #expect(lines.contains(#"fanout_records_total{outcome="succeeded"} 30"#))
        #expect(lines.contains(#"fanout_endpoint_requests_total{endpoint="\#(name)"} 30"#))
        #expect(lines.contains(#"fanout_request_duration_seconds_count{endpoint="\#(name)"} 30"#))
        #expect(lines.contains(#"fanout_request_duration_seconds_bucket{endpoint="\#(name)",le="+Inf"} 30"#))
        #expect(missing.status == "HTTP/1.1 404 Not Found")
    }

    /// A port that is taken is a configuration error naming it.
    @Test func busyPortIsAnError() async throws {
        let first = try await MetricsServer.start(port: 0) { StatsSnapshot() }
        defer { Task { await first.stop() } }
        await #expect(throws: EngineError.self) { _ = try await MetricsServer.start(port: first.port) { StatsSnapshot() } }
    }
}
