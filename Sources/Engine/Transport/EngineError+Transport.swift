import AsyncHTTPClient
import NIOCore
import NIOPosix

extension EngineError {
    /// Reduces an error from either HTTP client (AsyncHTTPClient or the NIO transport) to its kind;
    /// the text names no header and no URL query, so it is safe to print.
    init(transportError error: any Error, timeout: Double, limit: Int) {
        self = Self.reduce(error, timeout: timeout, limit: limit)
    }

    private static func reduce(_ error: any Error, timeout: Double, limit: Int) -> EngineError {
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
        if let ioError = error as? IOError { return .connect(describe(errno: ioError.errnoCode)) }
        if let connection = error as? NIOConnectionError {
            let first = connection.connectionErrors.first.flatMap { ($0.error as? IOError)?.errnoCode }
            return .connect(first.map(describe(errno:)) ?? "cannot connect to \(connection.host):\(connection.port)")
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

    private static func describe(errno code: Int32) -> String {
        switch code {
        case 111: return "connection refused"
        case 104: return "connection reset by peer"
        case 110: return "connection timed out"
        case 113, 101: return "host unreachable"
        default: return "socket error \(code)"
        }
    }
}
