import Synchronization

/// The runner's mailbox: any thread posts events, the runner takes everything waiting at once.
///
/// One lock and at most one wake-up per batch instead of one per event: under load many results
/// arrive while the runner is busy, and it then handles them all before deciding what to send.
final class RunnerInbox: Sendable {
    /// One event for the run core; a command's `applied` is resumed once it is in effect and
    /// published in the stats.
    struct Message: Sendable {
        let event: RunCore.Event
        var applied: CheckedContinuation<Void, Never>?
    }

    private struct State {
        var events: [Message] = []
        var waiter: UnsafeContinuation<[Message], Never>?
        var isClosed = false

        /// Everything waiting, or nil when there is nothing to hand out yet (open and empty).
        mutating func takeAll() -> [Message]? {
            guard !events.isEmpty || isClosed else { return nil }
            defer { events = [] }
            return events
        }
    }

    private let state = Mutex(State())

    /// Adds an event; false (and the event dropped) once the inbox is closed.
    @discardableResult
    func post(_ event: RunCore.Event, applied: CheckedContinuation<Void, Never>? = nil) -> Bool {
        // The message is made where it goes (the queue, or the waiter), so it is never copied.
        let (accepted, waiter) = state.withLock { state -> (Bool, UnsafeContinuation<[Message], Never>?) in
            guard !state.isClosed else { return (false, nil) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (true, waiter)
            }
            state.events.append(Message(event: event, applied: applied))
            return (true, nil)
        }
        waiter?.resume(returning: [Message(event: event, applied: applied)])
        return accepted
    }

    /// Every event waiting, oldest first, suspending until there is one; empty once closed and drained.
    /// Only one task (the runner) may wait at a time.
    func take() async -> [Message] {
        if let ready = state.withLock({ $0.takeAll() }) { return ready }
        return await withUnsafeContinuation { continuation in
            let ready = state.withLock { state in
                let ready = state.takeAll()
                if ready == nil {
                    precondition(state.waiter == nil, "RunnerInbox.take() has one waiter: the runner")
                    state.waiter = continuation
                }
                return ready
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Whether a taker is suspended waiting for the next event.
    var hasWaiter: Bool { state.withLock { $0.waiter != nil } }

    /// Refuses further events; those already posted can still be taken.
    func close() {
        let waiter = state.withLock { state in
            state.isClosed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: [])
    }
}
