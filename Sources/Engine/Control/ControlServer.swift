#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1
import NIOPosix

/// A run's control endpoint: HTTP/1.1 and JSON on a Unix socket or a TCP address (docs/control.md).
///
/// One server type for both: a socket is guarded by its file mode (0600, in a 0700 directory), TCP
/// by a bearer token, which it then requires on every request. The socket file is removed when the
/// server stops, if it is still the one this server made.
public final class ControlServer: Sendable {
    /// Where it listens (for TCP port 0, the port picked).
    public let address: ControlAddress
    private let channel: any Channel
    private let hub: ControlHub
    /// The socket file's inode, to remove only our own.
    private let socketInode: UInt64?

    private init(address: ControlAddress, channel: any Channel, hub: ControlHub, socketInode: UInt64?) {
        self.address = address
        self.channel = channel
        self.hub = hub
        self.socketInode = socketInode
    }

    /// Starts listening. A socket path in use by a live server, or held by something that is not
    /// a socket, is refused; a stale socket is replaced. TCP needs a token.
    public static func start(at address: ControlAddress, token: BearerToken?, endpoints: [String], ranges: ControlCommand.Ranges,
                             limits: ControlLimits = ControlLimits(), backend: any ControlBackend) async throws(EngineError) -> ControlServer {
        if address.isTCP && token == nil { throw .configuration("a TCP control address needs a token") }
        let hub = ControlHub(backend: backend, limits: limits)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 128)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        ControlHandler(hub: hub, token: address.isTCP ? token : nil, endpoints: endpoints, ranges: ranges))
                }
            }
        do {
            switch address {
            case .socket(let path):
                try ControlSocketFile.prepare(path)
                let previous = umask(0o177)
                defer { umask(previous) }
                let channel = try await bootstrap.bind(unixDomainSocketPath: path).get()
                chmod(path, 0o600)
                return ControlServer(address: address, channel: channel, hub: hub, socketInode: ControlSocketFile.inode(path))
            case .tcp(let host, let port):
                let channel = try await bootstrap.serverChannelOption(.socketOption(.so_reuseaddr), value: 1).bind(host: host, port: port).get()
                let bound = ControlAddress.tcp(host: host, port: channel.localAddress?.port ?? port)
                return ControlServer(address: bound, channel: channel, hub: hub, socketInode: nil)
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw .configuration("cannot serve control at \(address): \(error)")
        }
    }

    /// Sends the last status to every events client, ends their streams, stops listening and
    /// removes the socket file.
    public func stop() async {
        await hub.finish()
        try? await channel.close()
        if case .socket(let path) = address, let socketInode, ControlSocketFile.inode(path) == socketInode { unlink(path) }
    }
}
