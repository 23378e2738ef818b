import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// Failures a user can act on are named in words, never as fanout's internal type names.
@Suite(.tags(.integration)) struct TransportErrorTests {
    func failure(of url: String, maxAttempts: Int = 1) async throws -> (message: String, attempts: Int?) {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let outcome = try await harness.run([#"{"input":"x"}"#], endpoints: [EndpointConfiguration(url: EndpointURL(url)!)],
                                            maxAttempts: maxAttempts, timeout: 5) { $0.unreachableAfter = 1 }
        // A connection that cannot be made (TLS included) leaves the record unsent and ends the run as unreachable.
        if let unreachable = outcome.result.unreachable { return (unreachable.map(\.lastError).joined(separator: "; "), nil) }
        let error = outcome.errors.first
        return (error?["error"]?.stringValue ?? "no error record (saved \(outcome.saved.count))", error?["attempts"]?.intValue)
    }

    /// A body compressed unasked is named (and not retried); oversized headers are named.
    @Test func namesBadAnswers() async throws {
        let gzip = try await CannedServer.start(reply: CannedServer.http(headers: ["Content-Encoding: gzip", "Content-Type: application/json"],
                                                                          body: [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00]))
        let compressed = try await failure(of: "http://127.0.0.1:\(gzip.port)", maxAttempts: 3)
        await gzip.stop()
        #expect(compressed.message.contains("gzip-compressed") && compressed.attempts == 1, "\(compressed)")
        let big = try await CannedServer.start(reply: CannedServer.http(headers: ["X-Big: " + String(repeating: "a", count: 100_000)], body: []))
        let headers = try await failure(of: "http://127.0.0.1:\(big.port)")
        await big.stop()
        #expect(headers.message.contains("headers are too large"), "\(headers)")
        #expect(!headers.message.contains("Error"))
    }

    /// https:// to a plain HTTP port says the server does not speak TLS; a self-signed certificate is
    /// named untrusted, an expired one expired — with no internal error names in any case.
    @Test func namesTLSFailures() async throws {
        let plain = try await MockServer.start()
        let wrongScheme = try await failure(of: "https://127.0.0.1:\(plain.port)")
        await plain.stop()
        #expect(wrongScheme.message.contains("does not speak TLS"), "\(wrongScheme)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await CannedServer.start(reply: CannedServer.http(body: Array("{}".utf8)), tls: try CannedServer.selfSignedContext(in: directory))
        let untrusted = try await failure(of: "https://127.0.0.1:\(server.port)")
        await server.stop()
        #expect(untrusted.message.contains("untrusted certificate") && untrusted.message.contains("self-signed"), "\(untrusted)")
        let expiredDirectory = directory.appendingPathComponent("expired")
        try FileManager.default.createDirectory(at: expiredDirectory, withIntermediateDirectories: true)
        let old = try await CannedServer.start(reply: CannedServer.http(body: Array("{}".utf8)),
                                               tls: try CannedServer.selfSignedContext(in: expiredDirectory, expired: true))
        let expired = try await failure(of: "https://127.0.0.1:\(old.port)")
        await old.stop()
        #expect(expired.message.contains("expired on 2020-02-01"), "\(expired)")
        for message in [wrongScheme.message, untrusted.message, expired.message] {
            #expect(!message.contains("NIOSSL") && !message.contains("Error") && !message.contains("BoringSSL"), "\(message)")
        }
    }
}
