import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL

extension EngineError {
    /// Reduces an error from the NIO transport (HTTP/1.1, HTTP/2, TLS, proxies) to words a user
    /// can act on; the text names no header, no URL query and no type inside fanout, so it is safe to print.
    init(transportError error: any Error, timeout: Double, limit: Int) {
        self = Self.reduce(error, timeout: timeout, limit: limit)
    }

    private static func reduce(_ error: any Error, timeout: Double, limit: Int) -> EngineError {
        if error is NIOTooManyBytesError { return .responseTooLarge(limit: limit) }
        if let engine = error as? EngineError { return engine }
        if let closed = error as? NIOHTTP2Errors.StreamClosed {
            return closed.errorCode == .refusedStream ? .refused : .connectionLost("the server reset the request's HTTP/2 stream (\(closed.errorCode))")
        }
        if error is NIOHTTP2Errors.NoSuchStream || error is NIOHTTP2Errors.StreamIDTooSmall || error is NIOHTTP2Errors.CreatedStreamAfterGoaway {
            return .refused
        }
        if let tls = tlsProblem(error) { return .connect("TLS: \(tls)") }
        if let parser = error as? HTTPParserError { return .connectionLost(describe(parser)) }
        if error is ByteToMessageDecoderError { return .connectionLost("the server's answer is not valid HTTP/1.1") }
        if let ioError = error as? IOError { return .connect(describe(errno: ioError.errnoCode)) }
        if let connection = error as? NIOConnectionError {
            if connection.dnsAError != nil || connection.dnsAAAAError != nil, connection.connectionErrors.isEmpty {
                return .connect("cannot resolve the host name \(connection.host) (DNS)")
            }
            let first = connection.connectionErrors.first.flatMap { ($0.error as? IOError)?.errnoCode }
            return .connect(first.map(describe(errno:)) ?? "cannot connect to \(connection.host):\(connection.port)")
        }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout: return .connectTimeout(seconds: timeout)
            case .ioOnClosedChannel, .outputClosed, .inputClosed, .eof, .alreadyClosed: return .connectionLost("connection closed")
            default: return .connectionLost("the connection failed")
            }
        }
        if error is CancellationError { return .cancelled }
        return .connectionLost("the connection failed unexpectedly")
    }

    /// Whether the server's certificate could not be verified (the case `TLSDiagnosis` looks into).
    static func isUnverifiedCertificate(_ error: any Error) -> Bool {
        switch error as? NIOSSLError {
        case .handshakeFailed(let reason)?: "\(reason)".contains("CERTIFICATE_VERIFY_FAILED")
        case .noCertificateToValidate?, .unableToValidateCertificate?: true
        default: false
        }
    }

    /// What went wrong in a TLS handshake, in words; nil for errors that are not TLS errors.
    static func tlsProblem(_ error: any Error) -> String? {
        if isUnverifiedCertificate(error) { return certificateNotTrusted }
        if let extra = error as? NIOSSLExtraError {
            switch extra {
            case .failedToValidateHostname, .serverHostnameImpossibleToMatch:
                return "the server's certificate is for another host name (wrong host name)"
            default: return "the connection could not be set up (\(extra.description.split(separator: ":").first ?? "TLS"))"
            }
        }
        guard let ssl = error as? NIOSSLError else { return nil }
        switch ssl {
        case .handshakeFailed(let reason):
            let text = "\(reason)"
            if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") || text.contains("HTTP_REQUEST") {
                return "the server does not speak TLS on this port (try http:// instead of https://)"
            }
            if text.contains("CERTIFICATE_REQUIRED") || text.contains("HANDSHAKE_FAILURE_ON_CLIENT_HELLO") || text.contains("ALERT_HANDSHAKE_FAILURE") {
                return "the server refused the handshake (it may require a client certificate or a TLS version fanout does not offer)"
            }
            return "the handshake failed"
        case .uncleanShutdown: return "the server closed the connection without a TLS goodbye"
        default: return "the connection could not be set up"
        }
    }

    /// Until `TLSDiagnosis` names the exact reason.
    static let certificateNotTrusted = "the server's certificate is not trusted (issued by an unknown authority, self-signed or expired)"

    private static func describe(_ error: HTTPParserError) -> String {
        switch error {
        case .headerOverflow: "the answer's headers are too large (over 80 KiB)"
        case .invalidEOFState, .closedConnection: "the answer was cut off"
        case .invalidContentLength, .unexpectedContentLength, .invalidChunkSize: "the answer's length framing is broken"
        default: "the server's answer is not valid HTTP/1.1"
        }
    }

    private static func describe(errno code: Int32) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET: return "connection reset by peer"
        case ETIMEDOUT: return "connection timed out"
        case EHOSTUNREACH, ENETUNREACH: return "host unreachable"
        case EPIPE: return "connection closed by the server"
        default: return "socket error \(code)"
        }
    }
}
