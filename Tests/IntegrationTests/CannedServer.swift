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

    /// Runs the openssl tool in `directory`.
    private static func openssl(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
    }

    /// A throwaway self-signed certificate and key for 127.0.0.1, made with the openssl tool; with
    /// `expired`, one valid only in January 2020 (signed with `openssl ca`, which takes dates).
    static func selfSignedContext(in directory: URL, expired: Bool = false) throws -> NIOSSLContext {
        let key = directory.appendingPathComponent("key.pem").path, cert = directory.appendingPathComponent("cert.pem").path
        if expired {
            try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", "leaf.csr", "-subj", "/CN=127.0.0.1"], in: directory)
            let config = "[ ca ]\ndefault_ca = CA_default\n[ CA_default ]\ndir = .\ndatabase = index.txt\nnew_certs_dir = .\n"
                + "serial = serial\ndefault_md = sha256\npolicy = policy_any\n[ policy_any ]\ncommonName = supplied\n"
            try config.write(to: directory.appendingPathComponent("ca.cnf"), atomically: true, encoding: .utf8)
            try "".write(to: directory.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
            try "01\n".write(to: directory.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
            try openssl(["ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", key, "-in", "leaf.csr", "-out", cert,
                         "-startdate", "20200101000000Z", "-enddate", "20200201000000Z"], in: directory)
        } else {
            try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], in: directory)
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }, privateKey: .file(key))
        return try NIOSSLContext(configuration: configuration)
    }
}
