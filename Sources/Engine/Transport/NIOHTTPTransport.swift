import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The default transport: lean HTTP/1.1 over SwiftNIO with a keep-alive pool per endpoint.
///
/// Measured on this project's benchmark it spends a fraction of AsyncHTTPClient's CPU per request
/// (see README, "Performance"). TLS through NIOSSL; no HTTP/2 (use `--transport ahc` for that).
/// A request that fails because a reused idle connection was closed by the server before any byte
/// of the answer is sent once more on a fresh connection, so keep-alive races cost no attempt.
/// A request is a lease, a write and a callback on the connection's event loop: no task, no
/// continuation.
public final class NIOHTTPTransport: Transport {
    private let pools: [ConnectionPool]
    private let cancelled = Atomic(false)

    /// - Parameters:
    ///   - endpoints: one pool each, in configuration order (requests name their endpoint by index).
    ///   - connectionsPerEndpoint: the pool size when an endpoint sets no `max_in_flight` (the
    ///     runner resizes pools as caps change, `setConnectionLimit`).
    public init(endpoints: [EndpointConfiguration], connectionsPerEndpoint: Int, connectTimeout: Double,
                maxResponseBytes: Int = Defaults.maxResponseBytes) throws(EngineError) {
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
            return ConnectionPool(maxConnections: min(endpoint.maxInFlight ?? connectionsPerEndpoint, connectionsPerEndpoint)) { done in
                HTTPConnection.connect(to: url, group: group, connectTimeout: connectTimeout, tls: context,
                                       maxResponseBytes: maxResponseBytes, done)
            }
        }
    }

    public func start(_ request: TransportRequest, completion: @escaping @Sendable (Result<TransportResponse, EngineError>) -> Void) {
        start(request, resends: 1, completion: completion)
    }

    private func start(_ request: TransportRequest, resends: Int,
                       completion: @escaping @Sendable (Result<TransportResponse, EngineError>) -> Void) {
        let pool = pools[request.endpoint]
        pool.lease { [self] leased in
            let connection: HTTPConnection
            switch leased {
            case .success(let leased): connection = leased
            case .failure(let error): return completion(.failure(isCancelled ? .cancelled : error))
            }
            connection.execute(request) { [self] result in
                pool.release(connection)
                if case .failure(let error) = result {
                    if isCancelled { return completion(.failure(.cancelled)) }
                    if error.isClosedBeforeAnswer && resends > 0 {
                        return start(request, resends: resends - 1, completion: completion)
                    }
                }
                completion(result)
            }
        }
    }

    public func setConnectionLimit(_ limit: Int, endpoint: Int) {
        guard pools.indices.contains(endpoint) else { return }
        pools[endpoint].resize(to: limit)
    }

    /// Closes every connection: requests in flight complete as cancelled.
    public func cancelAll() {
        cancelled.store(true, ordering: .relaxed)
        pools.forEach { $0.closeAll() }
    }

    private var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    public func shutdown() async {
        pools.forEach { $0.closeAll() }
    }
}
