import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds out why a server's certificate failed verification: connects once more without verifying,
/// reads the certificate and names the reason — expired, not yet valid, or issued by an authority
/// the trust store does not hold. Runs only after a failed handshake, never per request.
enum TLSDiagnosis {
    /// Why a certificate valid from `notBefore` to `notAfter` (Unix seconds) failed at `now`.
    static func reason(notBefore: Double, notAfter: Double, now: Double) -> String {
        if now > notAfter { return "the server's certificate expired on \(date(notAfter)) (expired)" }
        if now < notBefore { return "the server's certificate is not valid until \(date(notBefore))" }
        return "the server's certificate is not trusted: it is self-signed or issued by an authority this machine does not trust (untrusted certificate)"
    }

    /// Connects to the opener's endpoint once more, along the same route, without verifying, and
    /// reports the reason, or the generic one if the second look fails too.
    static func diagnose(_ opener: ConnectionOpener, _ done: @escaping @Sendable (String) -> Void) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        guard let context = try? NIOSSLContext(configuration: configuration) else { return done(EngineError.certificateNotTrusted) }
        let url = opener.url
        opener.reach(on: opener.group.next()).whenComplete { result in
            guard case .success(let channel) = result else { return done(EngineError.certificateNotTrusted) }
            do {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(try NIOSSLClientHandler(context: context, serverHostname: url.host.isIPAddress ? nil : url.host))
                try pipeline.addHandler(CertificateReader(done: done))
            } catch {
                channel.close(promise: nil)
                done(EngineError.certificateNotTrusted)
            }
        }
    }

    private static func date(_ seconds: Double) -> String {
        var time = time_t(seconds)
        var fields = tm()
        gmtime_r(&time, &fields)
        let month = format2(Int(fields.tm_mon) + 1), day = format2(Int(fields.tm_mday))
        return "\(Int(fields.tm_year) + 1900)-\(month)-\(day)"
    }

    private static func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Reads the peer's certificate once the unverified handshake completes, then closes.
    private final class CertificateReader: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        private var done: (@Sendable (String) -> Void)?

        init(done: @escaping @Sendable (String) -> Void) { self.done = done }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case TLSUserEvent.handshakeCompleted = event {
                let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
                let now = Double(time(nil))
                finish(certificate.map { TLSDiagnosis.reason(notBefore: Double($0.notValidBefore), notAfter: Double($0.notValidAfter), now: now) })
                context.close(promise: nil)
            }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            finish(nil)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(nil)
            context.fireChannelInactive()
        }

        private func finish(_ reason: String?) {
            guard let done else { return }
            self.done = nil
            done(reason ?? EngineError.certificateNotTrusted)
        }
    }
}
