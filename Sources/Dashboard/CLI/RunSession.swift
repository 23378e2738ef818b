import Engine
import Foundation

/// One run from start to exit code: builds the engine, shows it (dashboard or lines), reports.
struct RunSession {
    let plan: RunPlan
    let display: DisplayOptions
    /// Seconds after which to stop gracefully (the demo's `--duration`).
    var stopAfter: Double?
    /// Quitting (q, or the end of `stopAfter`) is how the run is meant to end: exit 0 (the demo).
    var quitIsTheEnd = false

    func execute() async -> RunExit {
        let engine: Engine
        var failedBefore = 0
        var logOutput: LogOutput?
        for warning in plan.warnings { Console.error("fanout: warning: \(warning)") }
        for line in plan.routeLines { Console.error("fanout: route: \(line)") }
        let source: any RequestSource
        let claims: OutputClaims
        switch await openInputAndClaimOutputs() {
        case .success(let opened): (source, claims) = opened
        case .failure(let exit): return exit
        }
        defer { claims.release() }
        let owner = plan.owner
        for (option, path) in [("--save_filepath", plan.savePath), ("--errors_filepath", plan.errorsPath)] {
            if let other = OutputOwner.conflict(at: path, for: owner) {
                Console.error("fanout: \(path) holds the records of another input (\(other.input)), not of \(plan.inputPath); "
                    + "\(plan.restart ? "--restart would empty it" : "resuming from it would skip the wrong records"). "
                    + "Give this input its own \(option), or delete \(OutputOwner.sidecarPath(for: path)) if the file really belongs to it.")
                return .usage
            }
        }
        do {
            let index = try ResumeIndex.prepare(savePath: plan.savePath, errorsPath: plan.errorsPath, restart: plan.restart)
            for (path, isSave) in [(plan.savePath, true), (plan.errorsPath, false)] where !plan.isSpecialFile(path) {
                do {
                    try owner.record(beside: path, isSave: isSave)
                } catch {
                    Console.error("fanout: warning: \(error); the run goes on, but a later run cannot tell which input this file belongs to")
                }
            }
            if index.lines > 0 || index.tornLines > 0 {
                Console.error("fanout: resuming: \(Format.count(index.lines)) records already in \(plan.savePath) and \(plan.errorsPath)"
                    + (index.tornLines > 0 ? " (a torn last line, from a crash, was removed and is sent again)" : "")
                    + "; --restart starts over")
            }
            if plan.errorsPathIsDefault { Console.error("fanout: failed records go to \(plan.errorsPath) (--errors_filepath to choose)") }
            failedBefore = index.failedBefore
            var plan = self.plan
            plan.configuration.finished = index.finished
            if let log = try plan.makeLog(withDashboard: display.usesDashboard) {
                plan.configuration.logger = log.logger
                logOutput = log.output
            }
            engine = try plan.makeEngine(source: source)
        } catch {
            Console.error("fanout: \(error)")
            return .fatalIO
        }
        defer { logOutput?.close() }
        var metrics: MetricsServer?
        if let port = plan.metricsPort {
            do {
                metrics = try await MetricsServer.start(port: port) { await engine.snapshot() }
                // With the dashboard the screen shows it; stderr would be hidden under the screen.
                if !display.usesDashboard { Console.error("fanout: metrics at \(MetricsServer.url(port: metrics!.port))") }
            } catch {
                Console.error("fanout: \(error); choose another --metrics_port")
                return .usage
            }
        }
        let total = TotalLines(path: plan.inputPath, shard: plan.configuration.shard)
        let startedAt = WallClock.now()
        let timer = stopAfter.map { seconds in
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                if !Task.isCancelled { engine.stop() }
            }
        }
        defer { timer?.cancel() }
        let result: RunResult
        let signal: Int32?
        if display.usesDashboard {
            (result, signal) = await DashboardRun(engine: engine, plan: plan, total: total, exitWhenDone: display.exitWhenDone,
                                                  metricsPort: metrics?.port).execute()
        } else {
            (result, signal) = await HeadlessRun(engine: engine, total: total).execute()
        }
        await metrics?.stop()
        let reportWritten = await writeReport(engine: engine, result: result, startedAt: startedAt)
        let summary = SummaryReport.summary(result.snapshot, savePath: plan.savePath, errorsPath: plan.errorsPath,
                                            stopped: result.wasStopped, transport: plan.transport.name,
                                            written: result.written)
            + (plan.configuration.shard.map { ["  shard \($0): only records whose id hashes to it were processed"] } ?? [])
            + (reportWritten.map { ["  report: \($0.html) (its figures: \($0.json))"] } ?? [])
        Console.out(summary.joined(separator: "\n"))
        // The dashboard covered the warnings given at start: repeat them under the summary.
        if display.usesDashboard { for warning in plan.warnings { Console.error("fanout: warning: \(warning)") } }
        if result.abandoned > 0 {
            Console.error("fanout: \(Format.count(result.abandoned)) requests were still in flight after the drain timeout and were not written; rerun the same command to send them")
        }
        // When several apply, the first wins: fatal I/O, a signal, unreachable endpoints, an early quit.
        if let fatal = result.fatalError {
            Console.error("fanout: \(fatal)")
            return fatal.isInputChanged ? .usage : .fatalIO
        }
        if let signal { return RunExit(code: 128 + signal) }
        if let unreachable = result.unreachable {
            Console.error("fanout: no endpoint answered for \(Format.duration(plan.configuration.unreachableAfter)), so the run stopped; last errors: "
                + unreachable.map { "\($0.endpoint): \($0.lastError)" }.joined(separator: "; ")
                + ". Records not finished were not sent: run the same command again once an endpoint answers.")
            return .unreachable
        }
        if result.wasStopped && quitIsTheEnd { return .allSucceeded }
        if result.wasStopped && stopAfter == nil {
            Console.error("fanout: quit before the end; records not yet finished were not sent — run the same command again to finish them")
            return .quitEarly
        }
        // Failures an earlier run wrote count too: the job as a whole is what the code reports.
        return result.snapshot.failed + failedBefore > 0 ? .someFailed : .allSucceeded
    }

    /// Opens the input and claims the outputs, in that order: an input that is not JSONL at all
    /// stops before any file is touched, and the claims come before any resume scan or torn-line
    /// repair (one run per file set). Says why on stderr when it cannot.
    private func openInputAndClaimOutputs() async -> Result<(any RequestSource, OutputClaims), RunExit> {
        let source: any RequestSource
        do {
            source = try plan.makeSource()
            if let file = source as? JSONLFileSource, let problem = try await file.formatProblem() {
                Console.error("fanout: --requests_filepath \(plan.inputPath == "-" ? "(stdin)" : plan.inputPath): \(problem); nothing was sent or written")
                return .failure(.usage)
            }
        } catch {
            Console.error("fanout: \(error)")
            return .failure(.fatalIO)
        }
        switch OutputClaims.claim(plan.claimedOutputs) {
        case .claimed(let claims, let warnings):
            for warning in warnings { Console.error("fanout: warning: \(warning)") }
            return .success((source, claims))
        case .busy(let sentence):
            Console.error("fanout: \(sentence)")
            return .failure(.usage)
        case .failed(let error):
            Console.error("fanout: \(error)")
            return .failure(.fatalIO)
        }
    }

    /// Writes `--report`'s files from the finished run; says on stderr when it cannot (the exit code
    /// stays the run's). Returns the files written.
    private func writeReport(engine: Engine, result: RunResult, startedAt: Double) async -> ReportFiles? {
        guard let files = plan.report else { return nil }
        let (timeline, actions) = await engine.stats.history()
        let meta = ReportData.Meta(
            command: ReportData.redactedCommand(["fanout"] + CommandLine.arguments.dropFirst()), startedAt: startedAt, endedAt: WallClock.now(),
            version: FanoutCommand.configuration.version, source: "run", input: plan.inputPath, save: plan.savePath, errors: plan.errorsPath,
            endpoints: plan.configuration.endpoints.map { ($0.name, $0.url.description) })
        do {
            try files.write(ReportData(meta: meta, snapshot: result.snapshot, timeline: timeline, actions: actions))
            return files
        } catch {
            Console.error("fanout: \(error)")
            return nil
        }
    }
}
