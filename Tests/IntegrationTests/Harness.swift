import Engine
import Foundation
import MockLLM
import Testing

/// Runs the real engine (file source, HTTP transport, file sink) against mock servers on 127.0.0.1.
struct Harness {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fanout-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var inputPath: String { directory.appendingPathComponent("in.jsonl").path }
    var savePath: String { directory.appendingPathComponent("out.jsonl").path }
    /// The default errors file of a run whose save file is `savePath`.
    var errorsPath: String { directory.appendingPathComponent("out_errors.jsonl").path }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    /// `count` seed-form lines with prompts `prompt N`.
    static func prompts(_ count: Int) -> [String] { (1...count).map { #"{"input":"prompt \#($0)"}"# } }

    func writeInput(_ lines: [String]) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: inputPath, atomically: true, encoding: .utf8)
    }

    struct Outcome {
        var saved: [JSONValue]
        var errors: [JSONValue]
        var result: RunResult
        var seconds: Double

        var allIDs: [String] { (saved + errors).compactMap { $0["id"]?.stringValue } }
    }

    /// How the transport reaches the servers; tests that exercise the transport run each way.
    enum Client: String, CaseIterable, Sendable {
        /// Straight to the server.
        case nio

        func make(_ endpoints: [EndpointConfiguration], maxInFlight: Int) throws -> any Transport {
            try NIOHTTPTransport(endpoints: endpoints, connectionsPerEndpoint: maxInFlight, connectTimeout: 2)
        }
    }

    func run(_ lines: [String], endpoints: [EndpointConfiguration], rate: Double = 0, maxAttempts: Int = 5,
             timeout: Double = 30, maxInFlight: Int = 64, ejectAfter: Int = 5, shard: Shard? = nil, client: Client = .nio,
             configure: (inout EngineConfiguration) -> Void = { _ in }) async throws -> Outcome {
        try writeInput(lines)
        var configuration = EngineConfiguration(endpoints: endpoints, rate: rate, maxInFlight: maxInFlight,
                                                retryPolicy: RetryPolicy(maxAttempts: maxAttempts), timeout: timeout, seed: 42)
        configuration.ejectAfter = ejectAfter
        configuration.shard = shard
        configure(&configuration)
        let engine = Engine(configuration: configuration,
                            source: try JSONLFileSource(path: inputPath, defaults: RequestDefaults()),
                            transport: try client.make(endpoints, maxInFlight: maxInFlight),
                            sink: try JSONLFileSink(savePath: savePath, errorsPath: errorsPath))
        let clock = ContinuousClock()
        let start = clock.now
        let result = await engine.run()
        let elapsed = start.duration(to: clock.now)
        return Outcome(saved: try Self.read(savePath), errors: try Self.read(errorsPath), result: result,
                       seconds: elapsed.inSeconds)
    }

    /// Every line of a JSONL file, each of which must be one JSON object.
    static func read(_ path: String) throws -> [JSONValue] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let value = try JSONParser.parse(Array(line.utf8))
            #expect(value.isObject)
            return value
        }
    }

    static func endpoint(_ server: MockServer, weight: Double = 1) -> EndpointConfiguration {
        EndpointConfiguration(url: EndpointURL(server.baseURL)!, weight: weight)
    }
}

/// Expects ids 1…count, each exactly once across both files.
func expectExactlyOnce(_ outcome: Harness.Outcome, count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    let ids = outcome.allIDs
    #expect(ids.count == count, sourceLocation: sourceLocation)
    #expect(Set(ids) == Set((1...count).map(String.init)), sourceLocation: sourceLocation)
}
