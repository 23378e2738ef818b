import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A server on 127.0.0.1 that answers every connection's first bytes with the same canned bytes
/// (optionally behind TLS), for answers no well-behaved server sends.
final class CannedServer: Sendable {
    let port: Int
    private let channel: any Channel

    private final class Reply: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let bytes: [UInt8]

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        }
    }

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    static func start(reply: [UInt8], tls: NIOSSLContext? = nil) async throws -> CannedServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(Reply(reply))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return CannedServer(port: channel.localAddress?.port ?? 0, channel: channel)
    }

    /// An HTTP/1.1 answer with `headers` and `body` (Content-Length added).
    static func http(status: String = "200 OK", headers: [String] = [], body: [UInt8]) -> [UInt8] {
        let head = (["HTTP/1.1 \(status)", "Content-Length: \(body.count)"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
        return Array(head.utf8) + body
    }

    func stop() async { try? await channel.close() }

    /// A throwaway self-signed certificate and key for 127.0.0.1, made with the openssl tool.
    static func selfSignedContext(in directory: URL) throws -> NIOSSLContext {
        let key = directory.appendingPathComponent("key.pem").path, cert = directory.appendingPathComponent("cert.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }, privateKey: .file(key))
        return try NIOSSLContext(configuration: configuration)
    }
}
