import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The default transport: lean HTTP/1.1 and HTTP/2 over SwiftNIO with a pool per endpoint.
///
/// Measured on this project's benchmark it spends a fraction of AsyncHTTPClient's CPU per request
/// (see README, "Performance"). TLS through NIOSSL, with HTTP/2 when the server chooses it by ALPN;
/// proxies and private CAs per endpoint (`ConnectionOpener`).
/// A request the server provably did not process (a keep-alive race, REFUSED_STREAM, GOAWAY) fails
/// with an error that says so; the scheduler sends it again without spending an attempt, through
/// the limiter and with backoff, so every send is seen and paced. A request is a lease, a write and a callback on the connection's event loop: no task, no
/// continuation.
public final class NIOHTTPTransport: Transport {
    private let pools: [ConnectionPool]
    private let cancelled = Atomic(false)

    /// - Parameters:
    ///   - endpoints: one pool each, in configuration order (requests name their endpoint by index);
    ///     each brings its route and TLS settings.
    ///   - connectionsPerEndpoint: the pool size when an endpoint sets no `max_in_flight` (the
    ///     runner resizes pools as caps change, `setConnectionLimit`).
    /// - Throws: a TLS setting that cannot be used (a missing CA file, a key that does not match).
    public init(endpoints: [EndpointConfiguration], connectionsPerEndpoint: Int, connectTimeout: Double,
                maxResponseBytes: Int = Defaults.maxResponseBytes) throws(EngineError) {
        let group = MultiThreadedEventLoopGroup.singleton
        var contexts: [TLSSettings: NIOSSLContext] = [:]
        for endpoint in endpoints where endpoint.url.isTLS && contexts[endpoint.tls] == nil {
            do {
                contexts[endpoint.tls] = try endpoint.tls.makeContext()
            } catch {
                throw .configuration("\(endpoint.name): \(error.description)")
            }
        }
        pools = endpoints.map { endpoint in
            let opener = ConnectionOpener(url: endpoint.url, route: endpoint.route, tls: endpoint.url.isTLS ? contexts[endpoint.tls] : nil,
                                          group: group, connectTimeout: connectTimeout, maxResponseBytes: maxResponseBytes)
            return ConnectionPool(maxConnections: min(endpoint.maxInFlight ?? connectionsPerEndpoint, connectionsPerEndpoint,
                                                      Defaults.maxConnectionsPerEndpoint),
                                  mayMultiplex: endpoint.url.isTLS && endpoint.tls.offersHTTP2, connect: opener.open)
        }
    }

    public func start(_ request: TransportRequest, completion: @escaping @Sendable (Result<TransportResponse, EngineError>) -> Void) {
        let pool = pools[request.endpoint]
        pool.lease { [self] leased in
            let connection: HTTPConnection
            switch leased {
            case .success(let leased): connection = leased
            case .failure(let error): return completion(.failure(isCancelled ? .cancelled : error))
            }
            connection.execute(request) { [self] result in
                switch result {
                case .success: pool.release(connection, outcome: .answered)
                case .failure(let error): pool.release(connection, outcome: error.isClosedBeforeAnswer ? .closedBeforeAnswer : .failed)
                }
                if case .failure = result, isCancelled { return completion(.failure(.cancelled)) }
                completion(result)
            }
        }
    }

    public func reusesConnections(endpoint: Int) -> Bool {
        pools.indices.contains(endpoint) ? pools[endpoint].reusesConnections : true
    }

    public func setConnectionLimit(_ limit: Int, endpoint: Int) {
        guard pools.indices.contains(endpoint) else { return }
        pools[endpoint].resize(to: min(limit, Defaults.maxConnectionsPerEndpoint))
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
