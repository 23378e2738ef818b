import DequeModule
import NIOCore

/// The timeouts of one connection's requests (over HTTP/1.1 one at a time, over HTTP/2 a stream
/// each), watched by one timer.
///
/// NIO cancels a scheduled task by scanning every pending one, so a timer per request costs more
/// than the request when thousands are in flight. Requests are watched in the order they start; a
/// run gives every request the same timeout, so that is deadline order too. The timer is armed at the
/// oldest watched deadline; when it fires, requests past theirs time out and finished ones are
/// dropped. Lives on the connection's event loop.
final class RequestDeadlines {
    private struct Entry {
        let at: NIODeadline
        weak var handler: HTTPExchangeHandler?
        let request: UInt64

        var isWaiting: Bool { handler?.isWaiting(for: request) == true }
    }

    private let eventLoop: any EventLoop
    private var entries: Deque<Entry> = []
    /// Watched requests not yet finished.
    private var live = 0
    private var timer: Scheduled<Void>?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Watches `handler`'s request number `request` until `at`.
    func watch(_ handler: HTTPExchangeHandler, request: UInt64, until at: NIODeadline) {
        live += 1
        // Finished entries behind a slow one wait for it to reach the head: drop them once they
        // outnumber the live ones, so the list stays the size of what is in flight.
        if entries.count > 2 * live + 64 { entries.removeAll { !$0.isWaiting } }
        entries.append(Entry(at: at, handler: handler, request: request))
        if timer == nil { arm(at: at) }
    }

    /// A watched request finished (answered or failed).
    func finished() { live -= 1 }

    /// The connection closed: nothing more is watched, and the timer goes now rather than at its deadline.
    func close() {
        timer?.cancel()
        timer = nil
        entries.removeAll()
    }

    private func arm(at: NIODeadline) {
        timer = eventLoop.assumeIsolated().scheduleTask(deadline: at) { [self] in
            timer = nil
            fire()
        }
    }

    private func fire() {
        let now = NIODeadline.now()
        while let first = entries.first, first.at <= now || !first.isWaiting {
            entries.removeFirst()
            if first.isWaiting { first.handler?.timeOut(request: first.request) }
        }
        if let first = entries.first { arm(at: first.at) }
    }
}
