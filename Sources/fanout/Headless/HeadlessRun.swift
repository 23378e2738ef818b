import Engine
import Foundation

/// A run without the dashboard: a progress line on stderr every 2 s; SIGINT/SIGTERM stop gracefully.
struct HeadlessRun {
    static let progressInterval: Duration = .seconds(2)

    let engine: Engine
    let total: TotalLines
    /// Called once the engine has ended, with the signal that stopped it.
    var ended: @Sendable (RunResult, Int32?) -> Void = { _, _ in }

    /// Runs to the end; returns the result and the signal that stopped it, if one did.
    func execute() async -> (RunResult, Int32?) {
        let engine = self.engine
        let watcher = SignalWatcher(onFirst: { number in
            Console.error("fanout: \(number == SIGINT ? "interrupt" : "terminate") received, finishing requests in flight (again to stop at once)")
            engine.stop(from: .signal)
        })
        let total = self.total
        let progress = Task {
            var said = SpendNews()
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.progressInterval)
                if Task.isCancelled { break }
                let snapshot = await engine.snapshot()
                for line in said.lines(snapshot, total: total.current) { Console.error("fanout: " + line) }
                Console.error(SummaryReport.progressLine(snapshot, total: total.current))
            }
            return said
        }
        let result = await engine.run()
        progress.cancel()
        var said = await progress.value
        for line in said.warnings(result.snapshot) { Console.error("fanout: " + line) }
        ended(result, watcher.receivedSignal)
        watcher.cancel()
        return (result, watcher.receivedSignal)
    }
}
