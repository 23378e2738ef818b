import Engine
import Foundation
import Report

/// One run from start to exit code: prepares the engine (`prepare()`), shows it (dashboard or
/// lines), writes the report and the summary, and comes to the exit code (`RunEnding`).
struct RunSession {
    let plan: RunPlan
    let display: DisplayOptions
    /// Seconds after which to stop gracefully (the demo's `--duration`).
    var stopAfter: Double?
    /// Quitting (q, or the end of `stopAfter`) is how the run is meant to end: exit 0 (the demo).
    var quitIsTheEnd = false
    /// The control endpoint asked for (`--control`).
    var control = ControlSetting.defaultSocket

    func execute() async -> RunExit {
        let prepared: PreparedRun
        switch await prepare() {
        case .success(let ready): prepared = ready
        case .failure(let exit): return exit
        }
        defer { prepared.release() }
        let engine = prepared.engine
        let total = TotalLines(path: plan.inputPath, shard: plan.configuration.shard)
        guard let metrics = await serveMetrics(engine) else { return .usage }
        guard let (control, warnings) = await serveControl(engine, total: total) else {
            await metrics.server?.stop()
            return .usage
        }
        let startedAt = WallClock.now()
        let timer = stopAfter.map { seconds in
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                if !Task.isCancelled { engine.stop(from: .timer) }
            }
        }
        let failedBefore = prepared.failedBefore
        let ending = { @Sendable (result: RunResult, signal: Int32?) in
            RunEnding(result, signal: signal, quitIsTheEnd: quitIsTheEnd, stoppedByTimer: stopAfter != nil, failedBefore: failedBefore)
        }
        let (result, signal) = await show(prepared, total: total, metricsPort: metrics.server?.port, control: control.server?.address) { result, signal in
            control.ended(exitCode: ending(result, signal).exit.code)
        }
        timer?.cancel()
        await metrics.server?.stop()
        let report = await writeReport(engine: engine, result: result, startedAt: startedAt)
        printSummary(result, report: report, warnings: warnings)
        let end = ending(result, signal)
        control.ended(exitCode: end.exit.code)
        explain(end, result, total: total.current)
        await control.stop()
        return end.exit
    }

    /// Runs the engine under the dashboard or the progress lines until it ends.
    /// `ended` is called as soon as the engine has ended (the dashboard may stay open after it).
    private func show(_ prepared: PreparedRun, total: TotalLines, metricsPort: Int?, control: ControlAddress?,
                      ended: @escaping @Sendable (RunResult, Int32?) -> Void) async -> (RunResult, signal: Int32?) {
        if display.usesDashboard {
            return await DashboardRun(engine: prepared.engine, plan: prepared.plan, total: total, exitWhenDone: display.exitWhenDone,
                                      metricsPort: metricsPort, control: control, ended: ended).execute()
        }
        return await HeadlessRun(engine: prepared.engine, total: total, ended: ended).execute()
    }

    private func printSummary(_ result: RunResult, report: ReportFiles?, warnings: [String]) {
        let summary = SummaryReport.summary(result.snapshot, savePath: plan.savePath, errorsPath: plan.errorsPath,
                                            stopped: result.wasStopped, transport: plan.transport.name,
                                            written: result.written)
            + (plan.configuration.shard.map { ["  shard \($0): only records whose id hashes to it were processed"] } ?? [])
            + (report.map { ["  report: \($0.html) (its figures: \($0.json))"] } ?? [])
        Console.out(summary.joined(separator: "\n"))
        // The dashboard covered the warnings given at start: repeat them under the summary.
        if display.usesDashboard { for warning in plan.warnings + warnings { Console.error("fanout: warning: \(warning)") } }
    }

    /// Says on stderr why the run ended as it did, for the endings that need a sentence.
    private func explain(_ ending: RunEnding, _ result: RunResult, total: Int?) {
        if result.abandoned > 0 {
            Console.error("fanout: \(Format.count(result.abandoned)) requests were still in flight after the drain timeout and were not written; rerun the same command to send them")
        }
        if let fatal = result.fatalError {
            Console.error("fanout: \(fatal)")
        } else if ending.signal != nil {
            return
        } else if ending.spendStop != nil,
                  let stopped = SpendText.stopped(result.snapshot.control.spend, left: SpendText.left(result.snapshot, total: total)) {
            Console.error("fanout: " + stopped)
        } else if let unreachable = result.unreachable {
            Console.error("fanout: no endpoint answered for \(Format.duration(plan.configuration.unreachableAfter)), so the run stopped; last errors: "
                + unreachable.map { "\($0.endpoint): \($0.lastError)" }.joined(separator: "; ")
                + ". Records not finished were not sent: run the same command again once an endpoint answers.")
        } else if ending.exit.code == RunExit.quitEarly.code {
            Console.error("fanout: quit before the end; records not yet finished were not sent — run the same command again to finish them")
        }
    }

    /// Writes `--report`'s files from the finished run; says on stderr when it cannot (the exit code
    /// stays the run's). Returns the files written.
    private func writeReport(engine: Engine, result: RunResult, startedAt: Double) async -> ReportFiles? {
        guard let files = plan.report else { return nil }
        let (timeline, actions) = await engine.stats.history()
        var meta = ReportData.Meta(
            command: ReportData.redactedCommand(["fanout"] + CommandLine.arguments.dropFirst()), startedAt: startedAt, endedAt: WallClock.now(),
            version: FanoutCommand.configuration.version, source: "run", input: plan.inputPath, save: plan.savePath, errors: plan.errorsPath,
            endpoints: plan.configuration.endpoints.map { ($0.name, $0.url.description) })
        meta.coverage = ReportData.coverage(ofRun: result.snapshot, save: plan.savePath, errors: plan.errorsPath)
        do {
            try files.write(ReportData(meta: meta, snapshot: result.snapshot, timeline: timeline, actions: actions))
            return files
        } catch {
            Console.error("fanout: \(error)")
            return nil
        }
    }
}
