import Dashboard
import Engine
import Foundation

/// A run with the live dashboard: takes the terminal, runs the loop, always gives the terminal back.
struct DashboardRun {
    let engine: Engine
    let plan: RunPlan
    let total: TotalLines
    let exitWhenDone: Bool
    var metricsPort: Int?
    /// The run's control endpoint, when it has one (the screen says how to attach).
    var control: ControlAddress?
    /// Called once the engine has ended (the dashboard stays until q), with the signal that stopped it.
    var ended: @Sendable (RunResult, Int32?) -> Void = { _, _ in }

    func execute() async -> (RunResult, Int32?) {
        let engine = self.engine
        guard let terminal = Terminal() else {
            Console.error(Terminal.unknownTerminalNotice)
            return await HeadlessRun(engine: engine, total: total, ended: ended).execute()
        }
        let watcher = SignalWatcher(onFirst: { _ in engine.stop(from: .signal) }, onSecond: { terminal.restore() })
        let ended = self.ended
        let probe = watcher.signalProbe
        let running = Task {
            let result = await engine.run()
            ended(result, probe())
            return result
        }
        let total = self.total
        var context = RenderContext(inputName: Self.displayName(plan.inputPath), saveName: Self.displayName(plan.savePath),
                                    metricsPort: metricsPort)
        context.reportPath = plan.report?.html
        if control != nil { context.attachHint = "fanout attach \(getpid())" }
        let ending = await DashboardLoop(feed: EngineFeed(engine: engine, total: { total.current }), screen: terminal, context: context,
                                         exitWhenDone: exitWhenDone, stopRequested: { probe() != nil }, clock: ContinuousClock()).run()
        terminal.restore()
        if ending == .forceQuit {
            let snapshot = await engine.snapshot()
            Console.out(SummaryReport.summary(snapshot, savePath: plan.savePath, errorsPath: plan.errorsPath, stopped: true).joined(separator: "\n"))
            Console.error("fanout: stopped at once; \(Format.count(snapshot.inFlight)) requests in flight were not written (a rerun sends them again)")
            exit(130)
        }
        let result = await running.value
        watcher.cancel()
        return (result, watcher.receivedSignal)
    }

    static func displayName(_ path: String) -> String {
        path == "-" ? "stdin" : (path as NSString).lastPathComponent
    }
}
