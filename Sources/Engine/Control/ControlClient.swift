import NIOCore
import NIOHTTP1
import NIOPosix

/// A client of a run's control endpoint: its status, its commands, its stream of events.
///
/// Each call opens its own connection (commands are rare; the events stream holds one open).
/// Failures are `EngineError`s whose text names the address and never the token.
public struct ControlClient: Sendable {
    public let address: ControlAddress
    private let token: BearerToken?
    /// Seconds to connect and to receive a whole answer (not the events stream).
    public var timeout: Double = 5

    public init(address: ControlAddress, token: BearerToken? = nil) {
        self.address = address
        self.token = token
    }

    /// `GET /v1/status`.
    public func status() async throws(EngineError) -> StatusDocument {
        let (status, body) = try await request(.GET, "/v1/status")
        guard status == 200 else { throw Self.refusal(status, body, address) }
        return try decode(body)
    }

    /// `POST /v1/commands` with `command` (a JSON object); the status once it took effect.
    public func send(_ command: String) async throws(EngineError) -> StatusDocument {
        let (status, body) = try await request(.POST, "/v1/commands", body: Array(command.utf8))
        guard status == 200 else { throw Self.refusal(status, body, address) }
        return try decode(body)
    }

    /// `GET /v1/events`: one status per event until the run ends (the stream finishes) or the
    /// connection fails (it throws).
    public func events() -> AsyncThrowingStream<StatusDocument, any Error> {
        let (stream, continuation) = AsyncThrowingStream<StatusDocument, any Error>.makeStream(bufferingPolicy: .bufferingNewest(4))
        let task = Task {
            do {
                let channel = try await connect { [address] in ControlResponseHandler(events: continuation, address: address) }
                continuation.onTermination = { _ in channel.close(promise: nil) }
                try await channel.writeAndFlush(HTTPClientRequestPart.head(head(.GET, "/v1/events", bodyBytes: nil)))
                try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
            } catch {
                continuation.finish(throwing: error)
            }
        }
        // A reader that leaves while the connection is still being made stops the making.
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// One request and its whole answer: the HTTP status and the body.
    public func request(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) async throws(EngineError) -> (Int, [UInt8]) {
        do {
            let promise = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: (Int, [UInt8]).self)
            let channel = try await connect { [address] in ControlResponseHandler(answer: promise, address: address) }
            let deadline = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
                promise.fail(EngineError.timeout(seconds: timeout))
                channel.close(promise: nil)
            }
            defer { deadline.cancel() }
            channel.write(HTTPClientRequestPart.head(head(method, path, bodyBytes: body?.count)), promise: nil)
            if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
            try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
            let answer = try await promise.futureResult.get()
            channel.close(promise: nil)
            return answer
        } catch let error as EngineError {
            throw error
        } catch {
            throw .connect("control at \(address): \(error)")
        }
    }

    private func connect(_ makeHandler: @escaping @Sendable () -> ControlResponseHandler) async throws -> any Channel {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
        do {
            switch address {
            case .socket(let path): return try await bootstrap.connect(unixDomainSocketPath: path).get()
            case .tcp(let host, let port): return try await bootstrap.connect(host: host, port: port).get()
            }
        } catch {
            throw EngineError.connect("no run answers at \(address) (\(Self.reason(error)))")
        }
    }

    private func head(_ method: HTTPMethod, _ path: String, bodyBytes: Int?) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "host", value: address.isTCP ? address.description : "localhost")
        if let token { headers.add(name: "authorization", value: token.headerValue) }
        if let bodyBytes {
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(bodyBytes))
        }
        return HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
    }

    private func decode(_ body: [UInt8]) throws(EngineError) -> StatusDocument {
        do {
            return try StatusCoding.decode(StatusDocument.self, from: body)
        } catch {
            throw .control("the control endpoint at \(address) sent a status this fanout cannot read")
        }
    }

    /// The server's `{"error": …}` sentence as an error.
    static func refusal(_ status: Int, _ body: [UInt8], _ address: ControlAddress) -> EngineError {
        let sentence = (try? JSONParser.parse(body))?["error"]?.stringValue.map { TerminalText.sanitized($0, keepsLayout: false) }
        return .control(sentence ?? "the control endpoint at \(address) answered HTTP \(status)", status: status)
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return error.description }
        return "\(error)"
    }
}
