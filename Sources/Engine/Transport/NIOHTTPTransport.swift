import NIOCore
import NIOPosix
import NIOSSL

/// The default transport: lean HTTP/1.1 over SwiftNIO with a keep-alive pool per endpoint.
///
/// Measured on this project's benchmark it spends a fraction of AsyncHTTPClient's CPU per request
/// (see README, "Performance"). TLS through NIOSSL; no HTTP/2 (use `--transport ahc` for that).
/// A request that fails because a reused idle connection was closed by the server before any byte
/// of the answer is sent once more on a fresh connection, so keep-alive races cost no attempt.
public final class NIOHTTPTransport: Transport {
    private let pools: [ConnectionPool]

    /// - Parameters:
    ///   - endpoints: one pool each, in configuration order (requests name their endpoint by index).
    ///   - connectionsPerEndpoint: the pool size when an endpoint sets no `max_in_flight`.
    public init(endpoints: [EndpointConfiguration], connectionsPerEndpoint: Int, connectTimeout: Double,
                maxResponseBytes: Int = 64 * 1024 * 1024) throws(EngineError) {
        let group = MultiThreadedEventLoopGroup.singleton
        var tls: NIOSSLContext?
        if endpoints.contains(where: \.url.isTLS) {
            do {
                tls = try NIOSSLContext(configuration: .makeClientConfiguration())
            } catch {
                throw .configuration("TLS could not be set up: \(error)")
            }
        }
        pools = endpoints.map { endpoint in
            let url = endpoint.url
            let context = url.isTLS ? tls : nil
            return ConnectionPool(maxConnections: min(endpoint.maxInFlight ?? connectionsPerEndpoint, connectionsPerEndpoint)) {
                await HTTPConnection.connect(to: url, group: group, connectTimeout: connectTimeout, tls: context,
                                             maxResponseBytes: maxResponseBytes)
            }
        }
    }

    public func send(_ request: TransportRequest) async -> Result<TransportResponse, EngineError> {
        let pool = pools[request.endpoint]
        for _ in 0..<2 {
            let connection: HTTPConnection
            switch await pool.acquire() {
            case .success(let leased): connection = leased
            case .failure(let error): return .failure(error)
            }
            let result = await connection.execute(request)
            pool.release(connection)
            if case .failure(let error) = result, error.isClosedBeforeAnswer, !Task.isCancelled { continue }
            return result
        }
        return .failure(.closedBeforeAnswer)
    }

    public func shutdown() async {
        pools.forEach { $0.closeAll() }
    }
}
