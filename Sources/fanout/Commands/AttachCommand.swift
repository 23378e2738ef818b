import ArgumentParser
import Dashboard
import Engine
import Foundation

/// `fanout attach [TARGET]`: the live dashboard of a run in another process, with the same keys.
///
/// q and Ctrl-C detach (the run goes on; exit 0); only X then y stops the run. Without a terminal
/// it prints a progress line every 2 s instead, until the run ends or a signal detaches it.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Open the live dashboard of a running fanout, from any terminal; q detaches, the run goes on.",
        discussion: "TARGET is a pid, a control socket path, the save file of a running fanout, or HOST:PORT (with --control_token_env). Without one, attaches to the only run of this user (several: lists them and exits 2). Several targets, or a HOST:PORT whose host name has several addresses (a headless Service), attach to a fleet: one screen for every shard, keys steer them all.")

    @Argument(help: ArgumentHelp("The run: a pid, a socket path, a save file path, or HOST:PORT; several for a fleet.", valueName: "target"))
    var targets: [String] = []

    @Option(name: .both("control_token_env"), help: ArgumentHelp("Environment variable holding the token of a TCP control endpoint (default: the one the run named, when it is set here).", valueName: "var"))
    var controlTokenEnv: String?

    @OptionGroup var display: DisplayOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let runs = ControlDirectory.resolve(environment: environment).liveEntries(warn: { Console.error("fanout: \($0)") })
        if Self.isFleet(targets) { return try await fleet(runs: runs, environment: environment) }
        let (address, entry) = try Self.choose(targets.first, runs: runs, environment: environment)
        let token = try AttachTarget.token(for: address, entry: entry, tokenEnv: controlTokenEnv, environment: environment)
        let client = ControlClient(address: address, token: token)
        let first: StatusDocument
        do {
            first = try await client.status()
        } catch {
            Console.error("fanout: \(error)")
            throw RunExit.someFailed
        }
        let feed = AttachedFeed(client: client, process: entry?.process, first: first)
        feed.start()
        defer { feed.stop() }
        var context = RenderContext(inputName: DashboardRun.displayName(first.run.input), saveName: DashboardRun.displayName(first.run.save))
        context.attachment = "attached to pid \(first.pid)" + (address.isTCP ? " on \(first.host)" : "")
        guard display.usesDashboard, let ending = await show(feed, context: context, environment: environment) else {
            return await printLines(feed) { frame in
                var line = frame.link.map { "fanout: \($0)" } ?? SummaryReport.progressLine(frame.snapshot, total: frame.totalLines)
                if frame.suspect { line += " · " + RenderContext.suspectNotice }
                // A run that says it is done with its exit code is over, whether or not its stream has ended.
                let over = feed.hasEnded || (frame.snapshot.state == .done && frame.exitCode != nil)
                guard over else { return (line, false) }
                return (line + (frame.exitCode.map { "\nfanout: the run ended with exit code \($0)" } ?? ""), true)
            }
        }
        let last = await feed.frame()
        if last.snapshot.state == .done, let code = last.exitCode {
            Console.error("fanout: the run (pid \(first.pid)) ended with exit code \(code)")
        } else if feed.hasEnded, let link = last.link {
            Console.error("fanout: \(link)")
        } else if ending == .detached || ending == .finished {
            Console.error("fanout: detached from pid \(first.pid); the run goes on (fanout attach \(first.pid) to come back)")
        }
    }

    /// Several targets, or a host name (which may name several pods): the fleet view.
    static func isFleet(_ targets: [String]) -> Bool {
        if targets.count > 1 { return true }
        guard let target = targets.first, Int32(target) == nil, !target.contains("/"),
              case .tcp(let host, _)? = ControlAddress(target) else { return false }
        return HostResolver.numericHosts(host) != [host]
    }

    /// One dashboard for every shard the targets name.
    private func fleet(runs: [RunEntry], environment: [String: String]) async throws {
        var addresses: [ControlAddress] = []
        var token: BearerToken?
        for target in targets {
            let (address, entry) = try AttachTarget.resolve(target, runs: runs)
            if address.isTCP, token == nil { token = try AttachTarget.token(for: address, entry: entry, tokenEnv: controlTokenEnv, environment: environment) }
            if !addresses.contains(address) { addresses.append(address) }
        }
        let feed = FleetFeed(targets: addresses, token: token)
        feed.start()
        defer { feed.stop() }
        var context = RenderContext(inputName: "fleet", saveName: "\(targets.count) target\(targets.count == 1 ? "" : "s")")
        context.attachment = "attached to " + targets.joined(separator: " ")
        guard display.usesDashboard, await show(feed, context: context, environment: environment) != nil else {
            return await printLines(feed) { frame in
                let line = SummaryReport.progressLine(frame.snapshot, total: frame.totalLines) + " · shards: "
                    + frame.shards.map { "\($0.address) \($0.label)" }.joined(separator: ", ")
                return (line, !frame.shards.isEmpty && frame.shards.allSatisfy { $0.state.hasPrefix("done") })
            }
        }
        Console.error("fanout: detached from the fleet; its shards go on")
    }

    /// The attached dashboard on `feed` until the operator leaves (a signal, or the terminal going
    /// away, detaches too); nil when the terminal is not one ncurses can drive.
    private func show(_ feed: any DashboardFeed, context: RenderContext, environment: [String: String]) async -> DashboardLoop<ContinuousClock>.Ending? {
        guard let terminal = Terminal() else {
            Console.error(Terminal.unknownTerminalNotice)
            return nil
        }
        let watcher = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP], onFirst: { _ in }, onSecond: { terminal.restore() })
        let probe = watcher.signalProbe
        // FANOUT_FRAME_LOG notes each frame's time, for bench/fleet.py.
        let screen: any Screen = environment["FANOUT_FRAME_LOG"].flatMap { FrameLog(wrapping: terminal, path: $0) } ?? terminal
        let ending = await DashboardLoop(feed: feed, screen: screen, context: context, exitWhenDone: display.exitWhenDone,
                                         stopRequested: { probe() != nil }, clock: ContinuousClock(), attached: true).run()
        terminal.restore()
        watcher.cancel()
        return ending
    }

    /// Without a terminal: `line(frame)` on stderr every 2 s, until it says it was the last or a signal comes.
    private func printLines(_ feed: any DashboardFeed, line: (DashboardFrame) -> (text: String, isLast: Bool)) async {
        let watcher = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP], onFirst: { _ in })
        defer { watcher.cancel() }
        while watcher.receivedSignal == nil {
            let (text, isLast) = line(await feed.frame())
            if !text.isEmpty { Console.error(text) }
            if isLast { return }
            for _ in 0..<20 where watcher.receivedSignal == nil { try? await Task.sleep(for: .milliseconds(100)) }
        }
    }

    /// The target given, or the only run there is (several: listed, exit 2).
    static func choose(_ target: String?, runs: [RunEntry], environment: [String: String]) throws -> (ControlAddress, RunEntry?) {
        if let target { return try AttachTarget.resolve(target, runs: runs) }
        let attachable = runs.filter { $0.control != nil }
        guard !attachable.isEmpty else {
            throw ValidationError("no fanout run of this user is running here to attach to (fanout ps lists them; give HOST:PORT for a run elsewhere).")
        }
        guard attachable.count == 1 else {
            Console.error(PsCommand.table(attachable, Array(repeating: nil, count: attachable.count)))
            throw ValidationError("\(attachable.count) fanout runs are running: give the pid of one (fanout attach PID).")
        }
        return try AttachTarget.resolve(String(attachable[0].pid), runs: runs)
    }
}
