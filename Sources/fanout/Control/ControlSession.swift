import Engine
import Foundation

/// A run's control endpoint from start to end: the server, and the entry `ps` and `attach` read.
///
/// A default socket that cannot be made (a directory that is not ours or not writable, a path over
/// the socket limit) is a warning and the run goes on without one; so is a socket path given with
/// `--control`. A TCP address that cannot be bound is an error, as a busy `--metrics_port` is.
struct ControlSession: Sendable {
    let server: ControlServer?
    let backend: RunControlBackend
    let directory: ControlDirectory?
    let entry: RunEntry?

    enum Failure: Error {
        /// The TCP address could not be bound: exit 2 with this sentence.
        case unusable(String)
    }

    static func start(_ setting: ControlSetting, plan: RunPlan, engine: Engine, total: TotalLines,
                      environment: [String: String], warn: (String) -> Void) async throws(Failure) -> ControlSession {
        let identity = ProcessIdentity.current
        let host = ProcessInfo.processInfo.hostName
        let startedAt = WallClock.now()
        var info = StatusDocument.RunInfo(version: FanoutCommand.configuration.version, input: RunOptions.absolute(plan.inputPath),
                                          save: RunOptions.absolute(plan.savePath), errors: RunOptions.absolute(plan.errorsPath),
                                          shard: plan.configuration.shard?.description)
        let directory = ControlDirectory.resolve(environment: environment)
        var usableDirectory: ControlDirectory?
        do {
            try directory.prepare()
            usableDirectory = directory
            _ = directory.liveEntries(warn: { _ in })
        } catch {
            if case .defaultSocket = setting {
                warn("no control socket, so fanout attach cannot reach this run: \(error); nothing is written there")
            }
        }
        let backend = RunControlBackend(engine: engine, total: total,
                                        context: .init(pid: identity.pid, host: host, startedAt: startedAt, run: info))
        let socket = usableDirectory?.socketPath(for: identity.pid)
        let server = try await serve(setting, defaultSocket: socket, names: plan.configuration.endpoints.map(\.name),
                                     ranges: Self.ranges(for: plan), backend: backend, warn: warn)
        var tokenEnv: String?
        if case .address(_, _, let variable) = setting { tokenEnv = variable }
        info.control = server?.address.description
        backend.setRunInfo(info)
        let entry = RunEntry(process: identity, startedAt: startedAt, host: host, version: info.version, input: info.input,
                             save: info.save, errors: info.errors, control: info.control, tokenEnv: tokenEnv)
        do {
            try usableDirectory?.register(entry)
        } catch {
            warn("fanout ps will not list this run: \(error)")
        }
        return ControlSession(server: server, backend: backend, directory: usableDirectory, entry: entry)
    }

    /// The server `setting` asks for, or nil for none (or a socket that cannot be made: warned).
    private static func serve(_ setting: ControlSetting, defaultSocket: String?, names: [String], ranges: ControlCommand.Ranges, backend: RunControlBackend,
                              warn: (String) -> Void) async throws(Failure) -> ControlServer? {
        switch setting {
        case .none:
            return nil
        case .defaultSocket:
            guard let defaultSocket else { return nil }
            return await listen(.socket(path: defaultSocket), token: nil, names: names, ranges: ranges, backend: backend, warn: warn)
        case .address(let address, _, _) where !address.isTCP:
            return await listen(address, token: nil, names: names, ranges: ranges, backend: backend, warn: warn)
        case .address(let address, let token, _):
            let server: ControlServer
            do {
                server = try await ControlServer.start(at: address, token: token, endpoints: names, ranges: ranges, backend: backend)
            } catch {
                throw .unusable("\(error); choose another --control address")
            }
            if !address.isLocalOnly {
                warn("the control endpoint at \(address) is plain HTTP beyond this machine: the token and the figures cross the network unencrypted (use an SSH tunnel or a private network)")
            }
            return server
        }
    }

    private static func listen(_ address: ControlAddress, token: BearerToken?, names: [String], ranges: ControlCommand.Ranges, backend: RunControlBackend,
                               warn: (String) -> Void) async -> ControlServer? {
        do {
            return try await ControlServer.start(at: address, token: token, endpoints: names, ranges: ranges, backend: backend)
        } catch {
            warn("no control socket, so fanout attach cannot reach this run: \(error)")
            return nil
        }
    }

    /// The engine has ended with `code`: clients see it in the status from now on.
    func ended(exitCode code: Int32) {
        backend.setExitCode(code)
    }

    /// Sends the last status to attached clients, stops listening, removes the socket and the entry.
    func stop() async {
        await server?.stop()
        if let entry { directory?.unregister(entry.pid) }
    }

    /// The ranges commands are checked against; `scope: fleet` only with a fleet store.
    private static func ranges(for plan: RunPlan) -> ControlCommand.Ranges {
        var ranges = Limits.commandRanges(for: plan.configuration.endpoints)
        ranges.hasFleetStore = plan.configuration.fleetStore != nil
        return ranges
    }
}
