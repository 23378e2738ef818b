import NIOCore
import NIOPosix
import NIOSSL

/// One connection to a RESP2 server (Redis): commands pipelined, replies matched in order.
///
/// Every call has a deadline: a server that stops answering closes the connection and fails the
/// call, so a caller never waits on a store that is gone for longer than it chose.
public final class RESPConnection: Sendable {
    private let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Connects (and, with `tls`, shakes hands on the first command).
    /// - Parameter serverHostname: the name the server's certificate must carry (TLS only).
    public static func connect(host: String, port: Int, tls: NIOSSLContext? = nil, serverHostname: String? = nil, timeout: Double,
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws(RESPError) -> RESPConnection {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(max(0.05, timeout) * 1000)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let handler = try NIOSSLClientHandler(context: tls, serverHostname: serverHostname)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try channel.pipeline.syncOperations.addHandler(RESPHandler())
                }
            }
        do {
            return RESPConnection(channel: try await bootstrap.connect(host: host, port: port).get())
        } catch {
            throw .unreachable(RESPHandler.describe(error))
        }
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Sends the commands at once and returns their replies in order (error replies among them,
    /// as `.error`). Throws when the connection fails or `timeout` seconds pass first.
    public func send(_ commands: [[String]], timeout: Double) async throws(RESPError) -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        let loop = channel.eventLoop
        let promises = commands.map { _ in loop.makePromise(of: RESPValue.self) }
        let bytes = RESPEncoder.encode(commands, allocator: channel.allocator)
        let deadline = loop.scheduleTask(in: .milliseconds(Int64(max(0.01, timeout) * 1000))) { [channel] in
            for promise in promises { promise.fail(RESPError.timedOut(timeout)) }
            channel.close(promise: nil)
        }
        channel.writeAndFlush(RESPRequest(bytes: bytes, replies: promises), promise: nil)
        var replies: [RESPValue] = []
        replies.reserveCapacity(promises.count)
        do {
            for promise in promises { replies.append(try await promise.futureResult.get()) }
        } catch {
            deadline.cancel()
            throw error as? RESPError ?? .unreachable(RESPHandler.describe(error))
        }
        deadline.cancel()
        return replies
    }

    /// Sends one command; its reply (an error reply is returned, not thrown).
    public func send(_ command: [String], timeout: Double) async throws(RESPError) -> RESPValue {
        try await send([command], timeout: timeout)[0]
    }

    /// Closes the connection; calls waiting fail.
    public func close() {
        channel.close(promise: nil)
    }
}
