import Synchronization

/// The runner's mailbox: any thread posts events, the runner takes everything waiting at once.
///
/// One lock and at most one wake-up per batch instead of one per event: under load many results
/// arrive while the runner is busy, and it then handles them all before deciding what to send.
final class RunnerInbox: Sendable {
    private struct State {
        var events: [RunnerEvent] = []
        var waiter: UnsafeContinuation<[RunnerEvent], Never>?
        var isClosed = false
    }

    private let state = Mutex(State())

    /// Adds an event; false (and the event dropped) once the inbox is closed.
    @discardableResult
    func post(_ event: RunnerEvent) -> Bool {
        let (accepted, waiter) = state.withLock { state -> (Bool, UnsafeContinuation<[RunnerEvent], Never>?) in
            guard !state.isClosed else { return (false, nil) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (true, waiter)
            }
            state.events.append(event)
            return (true, nil)
        }
        waiter?.resume(returning: [event])
        return accepted
    }

    /// Every event waiting, oldest first, suspending until there is one; empty once closed and drained.
    /// Only one task (the runner) may wait at a time.
    func take() async -> [RunnerEvent] {
        if let ready = takeReady() { return ready }
        return await withUnsafeContinuation { continuation in
            let ready: [RunnerEvent]? = state.withLock { state in
                if !state.events.isEmpty || state.isClosed {
                    defer { state.events = [] }
                    return state.events
                }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Refuses further events; those already posted can still be taken.
    func close() {
        let waiter = state.withLock { state in
            state.isClosed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: [])
    }

    private func takeReady() -> [RunnerEvent]? {
        state.withLock { state in
            guard !state.events.isEmpty || state.isClosed else { return nil }
            defer { state.events = [] }
            return state.events
        }
    }
}
