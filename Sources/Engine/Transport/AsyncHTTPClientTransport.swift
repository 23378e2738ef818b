import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The `Transport` over AsyncHTTPClient: HTTP/1.1 and HTTP/2, TLS, a keep-alive pool per host.
public final class AsyncHTTPClientTransport: AsyncTransport {
    public let tasks = TransportTasks()
    private let client: HTTPClient
    private let maxResponseBytes: Int

    /// - Parameters:
    ///   - connectionsPerHost: pool size per endpoint; should match the in-flight cap.
    ///   - connectTimeout: seconds to establish a connection.
    ///   - maxResponseBytes: a larger body fails the attempt instead of growing memory.
    public init(connectionsPerHost: Int, connectTimeout: Double, maxResponseBytes: Int = Defaults.maxResponseBytes) {
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connectionsPerHost))
        // A refused connection should fail the attempt now and go through our retry policy, which
        // knows about other endpoints, instead of being retried inside the pool until the timeout.
        pool.retryConnectionEstablishment = false
        let configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(Int64(connectTimeout * 1000))),
            connectionPool: pool,
            decompression: .disabled)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maxResponseBytes = maxResponseBytes
    }

    public func exchange(_ request: TransportRequest) async -> Result<TransportResponse, EngineError> {
        var outgoing = HTTPClientRequest(url: request.url.origin + request.path)
        outgoing.method = .POST
        outgoing.headers.add(name: "content-type", value: "application/json")
        outgoing.headers.add(name: "accept", value: "application/json")
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let clock = ContinuousClock()
        let written = clock.now
        do {
            let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(request.timeout * 1000)))
            let headers = response.headers.map { HeaderField($0.name, $0.value) }
            let status = Int(response.status.code)
            if ResponseParser.streams(status: status, contentType: response.headers["content-type"].first) {
                // Timed as it arrives, like the NIO transport.
                var stream = StreamAssembler(timed: true)
                var received = 0
                for try await piece in response.body {
                    received += piece.readableBytes
                    if received > maxResponseBytes { return .failure(.responseTooLarge(limit: maxResponseBytes)) }
                    stream.feed(piece.readableBytesView, at: written.duration(to: clock.now).inSeconds)
                }
                let streamed = stream.finish(status: status, end: written.duration(to: clock.now).inSeconds)
                return .success(TransportResponse(status: status, headers: headers, body: [], streamed: streamed))
            }
            let body = try await response.body.collect(upTo: maxResponseBytes)
            return .success(TransportResponse(status: status, headers: headers, body: Array(buffer: body)))
        } catch {
            return .failure(EngineError(transportError: error, timeout: request.timeout, limit: maxResponseBytes))
        }
    }

    public func shutdown() async {
        try? await client.shutdown()
    }
}
