import ArgumentParser
import Engine
import Foundation

/// `fanout run` (the default): send every line of the input, write answers and failures.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Send every request of a JSONL file through the endpoints (the default command).",
        discussion: """
            Exit codes: 0 every record succeeded; 1 the run finished but some records are in the errors file; \
            2 usage or configuration error (nothing sent); 3 fatal I/O error; 130/143 interrupted by SIGINT/SIGTERM.
            """)

    @OptionGroup var options: RunOptions

    func run() async throws {
        let plan = try options.makePlan(environment: ProcessInfo.processInfo.environment)
        throw try await HeadlessRun(plan: plan).execute()
    }
}

/// A run without the dashboard: progress lines on stderr every 2 s, the summary on stdout.
struct HeadlessRun {
    static let progressInterval: Duration = .seconds(2)

    let plan: RunPlan

    /// Runs to the end and returns the exit to take.
    func execute() async throws -> RunExit {
        let engine: Engine
        do {
            let source = try JSONLFileSource(path: plan.inputPath, defaults: plan.defaults)
            let sink = try JSONLFileSink(savePath: plan.savePath, errorsPath: plan.errorsPath)
            let transport = AsyncHTTPClientTransport(
                connectionsPerHost: plan.configuration.maxInFlight, connectTimeout: plan.connectTimeout)
            engine = Engine(configuration: plan.configuration, source: source, transport: transport, sink: sink)
        } catch {
            Self.printError("fanout: \(error)")
            return .fatalIO
        }
        let watcher = SignalWatcher(onFirst: { number in
            Self.printError("fanout: \(number == SIGINT ? "interrupt" : "terminate") received, finishing requests in flight (again to stop at once)")
            engine.stop()
        })
        let progress = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.progressInterval)
                if Task.isCancelled { break }
                Self.printError(SummaryReport.progressLine(await engine.snapshot(), total: nil))
            }
        }
        let result = await engine.run()
        progress.cancel()
        watcher.cancel()
        let summary = SummaryReport.summary(result.snapshot, savePath: plan.savePath, errorsPath: plan.errorsPath,
                                            stopped: result.wasStopped)
        print(summary.joined(separator: "\n"))
        if let fatal = result.fatalError {
            Self.printError("fanout: \(fatal)")
            return .fatalIO
        }
        if let number = watcher.receivedSignal { return RunExit(code: 128 + number) }
        return result.snapshot.failed > 0 ? .someFailed : .allSucceeded
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
