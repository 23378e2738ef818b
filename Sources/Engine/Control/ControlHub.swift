import NIOHTTP1
import NIOCore
import Synchronization

/// The control server's shared state: open connections, event subscribers, the last status made.
///
/// The status is built and encoded at most once per event interval however many clients read it:
/// `/v1/status` reuses a document younger than that, and one pump task sends each event to every
/// subscriber. A subscriber whose socket is not writable misses events instead of queueing them,
/// so a client that stops reading costs no memory.
///
/// Connections share `limits.connections` slots. One that has not yet sent an accepted request
/// (the right token, or any request on a socket) holds its slot only until a new connection needs
/// it: when every slot is taken, the oldest such connection is closed for the newcomer, so clients
/// without the token can never keep the operator out.
final class ControlHub: Sendable {
    private struct Connection {
        let channel: any Channel
        var authenticated: Bool
        let order: UInt64
    }

    private struct State {
        var connections: [ObjectIdentifier: Connection] = [:]
        var opened: UInt64 = 0
        var subscribers: [ObjectIdentifier: any Channel] = [:]
        var latest: (bytes: [UInt8], at: ContinuousClock.Instant)?
        var pump: Task<Void, Never>?
        var isClosed = false
    }

    let backend: any ControlBackend
    let limits: ControlLimits
    private let state = Mutex(State())

    init(backend: any ControlBackend, limits: ControlLimits) {
        self.backend = backend
        self.limits = limits
    }

    var interval: Duration { .seconds(1 / max(0.1, limits.eventsPerSecond)) }

    /// Counts a new connection; false when every slot is held by an authenticated one (the caller closes it).
    func open(_ channel: any Channel) -> Bool {
        let evicted: (any Channel)? = state.withLock { state in
            guard !state.isClosed else { return channel }
            var evicted: (any Channel)?
            if state.connections.count >= limits.connections {
                guard let oldest = state.connections.values.filter({ !$0.authenticated }).min(by: { $0.order < $1.order }) else {
                    return channel
                }
                state.connections[ObjectIdentifier(oldest.channel)] = nil
                evicted = oldest.channel
            }
            state.opened += 1
            state.connections[ObjectIdentifier(channel)] = Connection(channel: channel, authenticated: false, order: state.opened)
            return evicted
        }
        if let evicted, evicted !== channel { evicted.close(promise: nil) }
        return evicted !== channel
    }

    /// `channel` sent an accepted request: it keeps its slot from now on.
    func authenticated(_ channel: any Channel) {
        state.withLock { $0.connections[ObjectIdentifier(channel)]?.authenticated = true }
    }

    func close(_ channel: any Channel) {
        state.withLock { state in
            state.connections[ObjectIdentifier(channel)] = nil
            state.subscribers[ObjectIdentifier(channel)] = nil
        }
    }

    /// The status as JSON, built now or within the last interval.
    func status(fresh: Bool = false) async -> [UInt8] {
        let now = ContinuousClock.now
        if !fresh, let latest = state.withLock({ $0.latest }), now - latest.at < interval { return latest.bytes }
        let bytes = StatusCoding.encode(await backend.status())
        state.withLock { $0.latest = (bytes, now) }
        return bytes
    }

    /// Adds an events subscriber and starts the pump if it is the first.
    func subscribe(_ channel: any Channel) {
        state.withLock { state in
            guard !state.isClosed else { return }
            state.subscribers[ObjectIdentifier(channel)] = channel
            if state.pump == nil { state.pump = Task { [self] in await pump() } }
        }
    }

    /// One event per interval to every subscriber while there are any.
    private func pump() async {
        while !Task.isCancelled {
            let subscribers = state.withLock { Array($0.subscribers.values) }
            if !subscribers.isEmpty { broadcast(Self.event(await status(fresh: true)), to: subscribers) }
            try? await Task.sleep(for: interval)
        }
    }

    private func broadcast(_ frame: ByteBuffer, to channels: [any Channel]) {
        for channel in channels {
            channel.eventLoop.execute {
                guard channel.isActive, channel.isWritable else { return }
                channel.writeAndFlush(HTTPPart.body(.byteBuffer(frame)), promise: nil)
            }
        }
    }

    /// Sends a last event to every subscriber, ends their streams, and refuses anything new. A
    /// subscriber that is not reading is closed instead, and none is waited for more than 2 s.
    func finish() async {
        let bytes = await status(fresh: true)
        let (subscribers, pump) = state.withLock { state in
            state.isClosed = true
            defer { state.subscribers = [:]; state.pump = nil }
            return (Array(state.subscribers.values), state.pump)
        }
        pump?.cancel()
        let frame = Self.event(bytes)
        await withTaskGroup(of: Void.self) { group in
            for channel in subscribers {
                group.addTask {
                    let written = channel.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
                        // One that is not reading gets nothing more: its stream is closed.
                        guard channel.isActive, channel.isWritable else { return channel.close() }
                        channel.write(HTTPPart.body(.byteBuffer(frame)), promise: nil)
                        return channel.writeAndFlush(HTTPPart.end(nil))
                    }
                    // A client that stops reading now gets 2 s, then its connection is closed.
                    let deadline = channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
                    _ = try? await written.get()
                    deadline.cancel()
                }
            }
        }
    }

    /// One server-sent event carrying a status document.
    static func event(_ json: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("event: status\ndata: ")
        buffer.writeBytes(json)
        buffer.writeString("\n\n")
        return buffer
    }
}

typealias HTTPPart = HTTPServerResponsePart
