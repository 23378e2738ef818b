import Engine

/// The dashboard's one loop: each frame pull a snapshot, render it, draw it, then apply keys.
///
/// Frames come 8 times a second; keys are polled every 15 ms between frames and a key that changes
/// something redraws at once. The loop never calls `exit()`: it returns how it ended. Its time is
/// `clock`'s, so a test can drive frames with a manual clock.
struct DashboardLoop<C: Clock> where C.Duration == Duration {
    enum Ending: Equatable {
        /// The run finished and the operator (or `--exit-when-done`, or a signal) let the loop end.
        case finished
        /// Ctrl-C twice: leave without waiting for requests in flight.
        case forceQuit
    }

    static var frameInterval: Duration { .milliseconds(125) }
    static var keyPoll: Duration { .milliseconds(15) }

    let engine: Engine
    let screen: any Screen
    var context: RenderContext
    let exitWhenDone: Bool
    /// The input's record count, once counted.
    let totalLines: @Sendable () -> Int?
    /// True once a signal asked the run to stop (the loop then ends when the run is done).
    let stopRequested: @Sendable () -> Bool
    let clock: C

    func run() async -> Ending {
        var view = ViewState()
        var context = self.context
        while true {
            let snapshot = await engine.snapshot()
            if context.totalLines == nil { context.totalLines = totalLines() }
            let (width, height) = screen.size
            screen.draw(DashboardLayout.render(snapshot, view: view, width: width, height: height, context: context))
            if snapshot.state == .done && (view.quitRequested || exitWhenDone || stopRequested()) { return .finished }

            let deadline = clock.now.advanced(by: Self.frameInterval)
            keys: while clock.now < deadline {
                while let key = screen.readKey() {
                    guard let command = KeyBindings.command(for: key, showingHelp: view.showsHelp) else { continue }
                    let effect = DashboardController.apply(command, snapshot: snapshot, view: view)
                    if effect.forceQuit { return .forceQuit }
                    for command in effect.commands { await engine.perform(command) }
                    view = effect.view
                    break keys
                }
                try? await clock.sleep(for: Self.keyPoll)
            }
        }
    }
}
