import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// The `Transport` over AsyncHTTPClient: HTTP/1.1 and HTTP/2, TLS, a keep-alive pool per host.
public final class AsyncHTTPClientTransport: Transport {
    private let client: HTTPClient
    private let maxResponseBytes: Int

    /// - Parameters:
    ///   - connectionsPerHost: pool size per endpoint; should match the in-flight cap.
    ///   - connectTimeout: seconds to establish a connection.
    ///   - maxResponseBytes: a larger body fails the attempt instead of growing memory.
    public init(connectionsPerHost: Int, connectTimeout: Double, maxResponseBytes: Int = 64 * 1024 * 1024) {
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

    public func send(_ request: TransportRequest) async -> Result<TransportResponse, EngineError> {
        var outgoing = HTTPClientRequest(url: request.url.origin + request.path)
        outgoing.method = .POST
        outgoing.headers.add(name: "content-type", value: "application/json")
        outgoing.headers.add(name: "accept", value: "application/json")
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(request.timeout * 1000)))
            let body = try await response.body.collect(upTo: maxResponseBytes)
            let headers = response.headers.map { HeaderField($0.name, $0.value) }
            return .success(TransportResponse(status: Int(response.status.code), headers: headers,
                                              body: Array(buffer: body)))
        } catch {
            return .failure(Self.map(error, timeout: request.timeout, limit: maxResponseBytes))
        }
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Reduces a client error to its kind; the text names no header and no URL query.
    static func map(_ error: any Error, timeout: Double, limit: Int) -> EngineError {
        if error is NIOTooManyBytesError { return .responseTooLarge(limit: limit) }
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded: return .timeout(seconds: timeout)
            case .readTimeout, .writeTimeout: return .timeout(seconds: timeout)
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout: return .connectTimeout(seconds: timeout)
            case .remoteConnectionClosed: return .connectionLost("closed by the server")
            case .cancelled: return .cancelled
            default: return .connectionLost(clientError.shortDescription)
            }
        }
        if let ioError = error as? IOError { return .connect(Self.describe(errno: ioError.errnoCode)) }
        if let connection = error as? NIOConnectionError {
            let first = connection.connectionErrors.first.flatMap { ($0.error as? IOError)?.errnoCode }
            return .connect(first.map(Self.describe(errno:)) ?? "cannot connect to \(connection.host):\(connection.port)")
        }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout: return .connectTimeout(seconds: timeout)
            case .ioOnClosedChannel, .outputClosed, .inputClosed, .eof, .alreadyClosed: return .connectionLost("connection closed")
            default: return .connectionLost("channel error")
            }
        }
        if error is CancellationError { return .cancelled }
        return .connectionLost(String(describing: type(of: error)))
    }

    static func describe(errno code: Int32) -> String {
        switch code {
        case 111: return "connection refused"
        case 104: return "connection reset by peer"
        case 110: return "connection timed out"
        case 113, 101: return "host unreachable"
        default: return "socket error \(code)"
        }
    }
}
