import Dashboard
import Engine
import Synchronization

/// The dashboard's figures from a run in another process, read from its events stream.
///
/// A background task keeps the latest status. When the stream breaks before the run has ended it
/// says so (`link`) and reconnects every second, so a restarted network or a briefly stalled run
/// comes back by itself; once the run has ended (the stream finishes) it stops.
final class AttachedFeed: DashboardFeed {
    private struct State {
        var document: StatusDocument?
        var link: String?
        var ended = false
        var lastSeen: ContinuousClock.Instant?
        /// The last status held figures out of bounds (`StatusDocument.bounded`).
        var suspect = false

        /// Takes a status already held within bounds, noting whether it had to be.
        mutating func take(_ bounded: (document: StatusDocument, clamped: Bool)) {
            document = bounded.document
            suspect = bounded.clamped
        }
    }

    /// What the feed knows now: the latest status, when it came, whether the run has said its last.
    struct Reading: Sendable {
        var document: StatusDocument?
        var lastSeen: ContinuousClock.Instant?
        var ended = false
        /// Its figures were out of bounds and have been held (shown as suspect).
        var suspect = false
    }

    let client: ControlClient
    /// The run's process when it is on this machine: once it is gone, reconnecting stops.
    let process: ProcessIdentity?
    private let state: Mutex<State>
    private let reader = Mutex<Task<Void, Never>?>(nil)

    /// - Parameter first: a status already read, shown until the first event.
    init(client: ControlClient, process: ProcessIdentity? = nil, first: StatusDocument? = nil) {
        self.client = client
        self.process = process
        var state = State(link: first == nil ? "connecting to \(client.address)…" : nil)
        if let first { state.take(first.bounded()) }
        self.state = Mutex(state)
    }

    /// Starts reading events (call once).
    func start() {
        let task = Task { [self] in await read() }
        reader.withLock { $0 = task }
    }

    func stop() {
        reader.withLock { $0?.cancel() }
    }

    /// Whether the run has ended and said its last.
    var hasEnded: Bool { state.withLock { $0.ended } }

    var reading: Reading { state.withLock { Reading(document: $0.document, lastSeen: $0.lastSeen, ended: $0.ended, suspect: $0.suspect) } }

    private func read() async {
        while !Task.isCancelled {
            do {
                for try await document in client.events() {
                    let bounded = document.bounded()
                    state.withLock {
                        $0.take(bounded)
                        $0.lastSeen = .now
                        $0.link = nil
                    }
                }
                // The server ends the stream only when the run ends.
                state.withLock {
                    $0.ended = true
                    $0.link = $0.document?.state == "done" ? nil : "the run at \(client.address) has gone without saying how it ended"
                }
                return
            } catch {
                if Task.isCancelled { return }
                let over = state.withLock { state in
                    // The run said how it ended, then went before the stream's last byte.
                    if let process, !process.isAlive, state.document?.exitCode == nil {
                        state.link = "the run (pid \(process.pid)) has gone without finishing (killed?); rerun its command to resume"
                        state.ended = true
                        return true
                    }
                    guard state.document?.state == "done", state.document?.exitCode != nil else {
                        state.link = "lost the run at \(client.address): \(error); reconnecting"
                        return false
                    }
                    state.ended = true
                    state.link = nil
                    return true
                }
                if over { return }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func frame() async -> DashboardFrame {
        let (document, link, suspect) = state.withLock { ($0.document, $0.link, $0.suspect) }
        guard let document else { return DashboardFrame(snapshot: StatsSnapshot(), link: link) }
        var frame = DashboardFrame(snapshot: document.snapshot, totalLines: document.records.total, exitCode: document.exitCode, link: link)
        frame.suspect = suspect
        return frame
    }

    func perform(_ command: EngineCommand) async -> String? {
        let names = state.withLock { $0.document?.endpoints.map(\.name) ?? [] }
        guard let body = command.controlBody(endpoints: names) else { return "that endpoint is no longer in the run" }
        do {
            let bounded = try await client.send(body).bounded()
            state.withLock { $0.take(bounded) }
            return nil
        } catch {
            return "not done: \(error)"
        }
    }
}
