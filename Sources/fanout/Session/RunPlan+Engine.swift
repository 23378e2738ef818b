import Engine
import Logging
import MockLLM

extension RunPlan {
    /// The run's logger when `--log_level` is set: to `--log_file`, else stderr, else (with the
    /// dashboard, whose screen stderr is) `fanout.log` beside the save file. Says where a file log goes.
    func makeLog(withDashboard: Bool) throws(EngineError) -> (logger: Logger, output: LogOutput)? {
        guard let logLevel else { return nil }
        let path = logFile ?? (withDashboard ? RunOptions.sibling(of: savePath, named: "fanout.log") : nil)
        let output = try path.map { path throws(EngineError) in try LogOutput(appendingTo: path) } ?? .standardError
        if let path { Console.error("fanout: logging at \(logLevel.rawValue) and above to \(path)") }
        return (Logger(label: "fanout") { LineLogHandler(label: $0, level: logLevel.level, output: output) }, output)
    }

    /// The input: the file (or stdin), or the demo's endless prompts.
    func makeSource() throws(EngineError) -> any RequestSource {
        generatesPrompts ? SyntheticPromptSource(defaults: defaults) : try JSONLFileSource(path: inputPath, defaults: defaults)
    }

    /// The engine over the real file source (or the demo's endless prompts), HTTP transport and file sink.
    func makeEngine(source given: (any RequestSource)? = nil, fleetStore: (any FleetStore)? = nil) throws(EngineError) -> Engine {
        let source: any RequestSource
        if let given { source = given } else { source = try makeSource() }
        let sink = try JSONLFileSink(savePath: savePath, errorsPath: errorsPath)
        // `--transport ahc` is an alias: the one transport speaks HTTP/2 itself now.
        let transport = try NIOHTTPTransport(endpoints: configuration.endpoints, connectionsPerEndpoint: configuration.maxInFlight ?? Defaults.autoInFlightCeiling,
                                             connectTimeout: connectTimeout, maxResponseBytes: maxResponseBytes)
        // Servers' metrics pages are read on connections of their own, never the requests' pool.
        let serverMetrics = try NIOServerMetricsSource(endpoints: configuration.endpoints, connectTimeout: min(connectTimeout, 1))
        let batchAPIs = try BatchAPIs.make(endpoints: configuration.endpoints, connectTimeout: connectTimeout,
                                           runName: "fanout " + URLText.printable(String(inputPath.suffix(200))))
        return Engine(configuration: configuration, source: source, transport: transport, sink: sink,
                      serverMetrics: serverMetrics.targets.isEmpty ? nil : serverMetrics, watchesClient: true, batchAPIs: batchAPIs,
                      fleetStore: fleetStore)
    }
}
