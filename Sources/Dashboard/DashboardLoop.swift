import Engine

/// The dashboard's one loop: each frame pull the figures, render them, draw, then apply keys.
///
/// Frames come 8 times a second; keys are polled every 15 ms between frames and a key that changes
/// something redraws at once. The loop never calls `exit()`: it returns how it ended. Its time is
/// `clock`'s, so a test can drive frames with a manual clock. The same loop draws a run of this
/// process and a run it is attached to (`feed`); attached, q detaches instead of quitting.
public struct DashboardLoop<C: Clock> where C.Duration == Duration {
    public enum Ending: Equatable, Sendable {
        /// The run finished and the operator (or `--exit-when-done`, or a signal) let the loop end.
        case finished
        /// Ctrl-C twice: leave without waiting for requests in flight.
        case forceQuit
        /// Attached: the operator left; the run goes on.
        case detached
    }

    static var frameInterval: Duration { .milliseconds(125) }
    static var keyPoll: Duration { .milliseconds(15) }

    let feed: any DashboardFeed
    let screen: any Screen
    var context: RenderContext
    let exitWhenDone: Bool
    /// True once a signal asked the run to stop (the loop then ends when the run is done).
    let stopRequested: @Sendable () -> Bool
    let clock: C
    var attached = false

    /// - Parameter attached: the run is another process's (q detaches instead of quitting).
    public init(feed: any DashboardFeed, screen: any Screen, context: RenderContext, exitWhenDone: Bool,
                stopRequested: @escaping @Sendable () -> Bool, clock: C, attached: Bool = false) {
        self.feed = feed
        self.screen = screen
        self.context = context
        self.exitWhenDone = exitWhenDone
        self.stopRequested = stopRequested
        self.clock = clock
        self.attached = attached
    }

    public func run() async -> Ending {
        var view = ViewState()
        view.isAttached = attached
        var context = self.context
        while true {
            let frame = await feed.frame()
            let snapshot = frame.snapshot
            if context.totalLines == nil { context.totalLines = frame.totalLines }
            context.exitCode = frame.exitCode
            context.link = frame.link
            context.suspect = frame.suspect || frame.shards.contains(where: \.suspect)
            context.shards = frame.shards
            view.shardCount = frame.shards.count
            if let focus = view.shardFocus, focus >= frame.shards.count { view.shardFocus = nil }
            let (width, height) = screen.size
            screen.draw(DashboardLayout.render(snapshot, view: view, width: width, height: height, context: context))
            if attached && stopRequested() { return .detached }
            // Attached, --exit-when-done waits for the run's exit code, so the line said on leaving has it.
            let settled = !attached || frame.exitCode != nil || frame.link != nil
            if snapshot.state == .done && settled && (view.quitRequested || exitWhenDone || stopRequested()) { return .finished }

            let deadline = clock.now.advanced(by: Self.frameInterval)
            keys: while clock.now < deadline {
                while let key = screen.readKey() {
                    guard let command = KeyBindings.command(for: key, showingHelp: view.showsHelp, confirmingStop: view.confirmingStop) else { continue }
                    let effect = DashboardController.apply(command, snapshot: snapshot, view: view)
                    if effect.forceQuit { return .forceQuit }
                    if effect.detach { return .detached }
                    view = effect.view
                    feed.focus(on: view.shardFocus)
                    for command in effect.commands {
                        if let problem = await feed.perform(command) { view.confirm(problem, at: snapshot.elapsed) }
                    }
                    break keys
                }
                try? await clock.sleep(for: Self.keyPoll)
            }
        }
    }
}
