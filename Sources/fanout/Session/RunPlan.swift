import ArgumentParser
import Engine
import Foundation
import Report

/// Everything a run needs, checked: the engine's configuration, the files, the body defaults.
struct RunPlan {
    var configuration: EngineConfiguration
    var inputPath: String
    var savePath: String
    var errorsPath: String
    /// Whether `errorsPath` was chosen by fanout (`defaultErrorsPath`), not named: said at start.
    var errorsPathIsDefault = false
    var defaults: RequestDefaults
    var connectTimeout: Double
    var transport: TransportKind = .nio
    /// Empty the outputs instead of resuming from them.
    var restart = false
    var maxResponseBytes = Defaults.maxResponseBytes
    /// Serve Prometheus metrics on this 127.0.0.1 port (0: any free port).
    var metricsPort: Int?
    var logLevel: LogLevelOption?
    /// nil: stderr without the dashboard, `fanout.log` beside the save file with it.
    var logFile: String?
    /// Things worth a look that do not stop the run (a key variable that is unset), said at start.
    var warnings: [String] = []
    /// Each endpoint's route and trust, said at start when a proxy or a TLS setting is in play.
    var routeLines: [String] = []
    /// The demo's prompts, made as they are read without end (`inputPath` only names them).
    var generatesPrompts = false
    /// `--report`: where the run's report goes at its end.
    var report: ReportFiles?
    /// `--limits_store`: the store's password (from the environment, never shown) and TLS settings.
    var storePassword: String?
    var storeTLS: TLSSettings?
}

extension RunPlan {
    /// The owner recorded beside the outputs: this run's input and files, as absolute paths.
    var owner: OutputOwner {
        OutputOwner(input: RunOptions.absolute(inputPath), save: RunOptions.absolute(savePath), errors: RunOptions.absolute(errorsPath))
    }

    /// The files this run writes and so claims (`OutputClaims`): save, errors, and the report.
    var claimedOutputs: [(option: String, path: String)] {
        [("--save_filepath", savePath), ("--errors_filepath", errorsPath)] + (report.map { [("--report", $0.html)] } ?? [])
    }

    /// Whether `path` is a device or pipe (`/dev/stdout`), which is written to but never resumed from.
    func isSpecialFile(_ path: String) -> Bool {
        FileIdentity(path: path).map { !$0.isRegular } ?? false
    }
}

extension RunOptions {
    /// The checks that need no file and no network, each failure one sentence naming the option:
    /// what `validate()` runs before `run()` builds the plan. Returns the rate (requests per
    /// second) and the rate-limit patience (seconds) they read.
    func checkValues() throws -> (rate: Double, patience: Double) {
        if apiKey != nil {
            throw ValidationError("--api_key: fanout never takes a key on the command line (every user of the machine can read it with ps, and the shell keeps it in its history); export OPENAI_API_KEY=sk-… instead, or name another variable with --api_key_env.")
        }
        let rate = try shardRate()
        try Limits.check(rate, fleetRate == nil ? "--max_requests_per_second" : "--fleet_rate / shards", Limits.rate, "requests per second (0 = no limit)")
        try Limits.check(maxAttempts, "--max_attempts", Limits.attempts)
        if let cap = maxInFlight.cap { try Limits.check(cap, "--max_in_flight", Limits.inFlight, "(or auto)") }
        guard let patience = DurationText.seconds(rateLimitPatience) else {
            throw ValidationError("--rate_limit_patience must be a duration like 15m, 90s or 0, not \(rateLimitPatience).")
        }
        try Limits.check(patience, "--rate_limit_patience", Limits.patience, "seconds (0 counts 429s as attempts)")
        try Limits.check(timeout.value, "--timeout", Limits.timeout, "seconds")
        try Limits.check(connectTimeout.value, "--connect_timeout", Limits.connectTimeout, "seconds")
        if let maxTokens { try Limits.check(maxTokens, "--max_tokens", Limits.maxTokens) }
        if let temperature { try Limits.check(temperature, "--temperature", Limits.temperature) }
        try Limits.check(drainTimeout.value, "--drain_timeout", Limits.drainTimeout, "seconds")
        try Limits.check(maxResponseBytes, "--max_response_bytes", Limits.responseBytes, "bytes")
        try Limits.check(ejectAfter, "--eject_after", Limits.ejectAfter)
        try Limits.check(unreachableAfter.value, "--unreachable_after", Limits.unreachableAfter, "seconds")
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics_port must be a TCP port, 1 to 65535 (or 0 for any free port), not \(metricsPort).")
        }
        if logFile != nil, logLevel == nil, loggingLevel == nil {
            throw ValidationError("--log_file needs --log_level (for example --log_level info).")
        }
        try Limits.check(maxTokensPerMinute, "--max_tokens_per_minute", Limits.tokensPerMinute, "tokens (0 = no limit)")
        if let slo { _ = try ServiceLevelText.parse(slo) }
        if shard != nil && shards != nil { throw ValidationError("--shard and --shards cannot be used together.") }
        _ = try shardCap()
        _ = try storeAddress()
        return (rate, patience)
    }

    /// Checks every option, the files and the endpoints, and builds the plan; each failure is one
    /// sentence naming the option.
    func makePlan(environment: [String: String]) throws -> RunPlan {
        let (rate, patience) = try checkValues()
        if let logFile { try checkWritable(logFile, option: "--log_file") }
        let (savePath, errorsPath, reportFiles) = try checkFiles()
        let (endpoints, warnings) = try makeEndpoints(environment: environment)
        guard endpoints.contains(where: { $0.weight > 0 }) else {
            throw ValidationError("--endpoint: at least one endpoint needs a weight above 0.")
        }
        var configuration = EngineConfiguration(
            endpoints: endpoints, rate: rate, maxInFlight: maxInFlight.cap,
            retryPolicy: RetryPolicy(maxAttempts: maxAttempts), timeout: timeout.value, seed: seed)
        configuration.drainTimeout = drainTimeout.value
        configuration.shard = try makeShard(environment: environment)
        configuration.ejectAfter = ejectAfter
        configuration.unreachableAfter = unreachableAfter.value
        configuration.outputFormat = outputFormat
        configuration.savesFullResponse = saveResponse == .full
        configuration.tokensPerMinute = maxTokensPerMinute
        configuration.rateLimitPatience = patience
        configuration.learnsLimits = !noLearnLimits
        configuration.stream = stream
        configuration.cost = try makeCost(endpoints: endpoints)
        configuration.fleetStore = try fleetStoreConfiguration(inputPath: requestsFilepath, endpoints: endpoints, shard: configuration.shard)
        if let deadline {
            guard endpoints.contains(where: { $0.batch != nil }) else {
                throw ValidationError("--deadline steers batch routes, and this run has none: add one (--endpoint batch:URL, or route: batch in --endpoints).")
            }
            guard let seconds = DeadlineText.secondsFromNow(deadline, now: WallClock.now()) else {
                throw ValidationError("--deadline takes a time like 09:00 or a duration like 6h, not \(deadline).")
            }
            configuration.deadline = seconds
        }
        if let slo {
            let levels = try ServiceLevelText.parse(slo)
            if levels.needsStreaming, !stream, !ServiceLevelText.inputStreams(requestsFilepath) {
                throw ValidationError("--slo \(levels.ttft != nil ? "ttft" : "tpot") needs streamed answers to measure: add --stream (or set \"stream\": true in the input lines), or keep only e2e.")
            }
            configuration.serviceLevels = levels
        }
        var plan = RunPlan(configuration: configuration, inputPath: requestsFilepath, savePath: savePath, errorsPath: errorsPath,
                           defaults: RequestDefaults(model: model, systemPrompt: systemPrompt, maxTokens: maxTokens, temperature: temperature),
                           connectTimeout: connectTimeout.value, transport: transport, restart: restart, maxResponseBytes: maxResponseBytes,
                           metricsPort: metricsPort, logLevel: try cookbookLogLevel() ?? logLevel, logFile: logFile, warnings: warnings)
        plan.report = reportFiles
        if let store = configuration.fleetStore {
            plan.storePassword = environment[limitsStorePasswordEnv].flatMap { $0.isEmpty ? nil : $0 }
            if store.address.usesTLS {
                let tls = try storeTLS(environment: environment)
                do { _ = try tls.makeContext() } catch { throw ValidationError("--limits_store: \(error.description).") }
                plan.storeTLS = tls
            }
        }
        if tokenEncodingName != nil {
            plan.warnings.append("--token_encoding_name is not needed: fanout estimates tokens as characters / 4 and corrects by the usage each answer reports")
        }
        plan.errorsPathIsDefault = errorsFilepath == nil
        let proxyVariables = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
        let networkSet = proxy != nil || proxyVariables.contains { !(environment[$0] ?? "").isEmpty }
            || endpoints.contains { $0.proxyChoice != nil || ($0.url.isTLS && $0.tls.isCustom) }
        if networkSet { plan.routeLines = endpoints.map(\.routeLine) }
        return plan
    }

    /// The input readable, the outputs writable and distinct from it and from each other: the save,
    /// errors and report paths (named, or fanout's defaults).
    private func checkFiles() throws -> (save: String, errors: String, report: ReportFiles?) {
        try checkReadable(requestsFilepath)
        let savePath = saveFilepath ?? Self.defaultSavePath(for: requestsFilepath)
        let errorsPath = errorsFilepath ?? Self.defaultErrorsPath(save: savePath, input: requestsFilepath)
        for (option, path) in [("--save_filepath", savePath), ("--errors_filepath", errorsPath)] {
            try checkWritable(path, option: option)
        }
        try Self.checkDistinct(input: requestsFilepath, save: savePath, errors: errorsPath, log: logFile)
        let reportFiles = try report.map { path in
            let files = ReportFiles(html: path)
            for file in [files.html, files.json] {
                try checkWritable(file, option: "--report")
                guard ![requestsFilepath, savePath, errorsPath].map(Self.canonical).contains(Self.canonical(file)) else {
                    throw ValidationError("--report: \(file) is the input, save or errors file; give the report a path of its own.")
                }
            }
            return files
        }
        return (savePath, errorsPath, reportFiles)
    }

    /// This shard's share of `--fleet_rate`, or the per-run rate (`cookbookRate`).
    private func shardRate() throws -> Double {
        guard let fleetRate else { return try cookbookRate() }
        if limitsStore != nil {
            // Shards lease the fleet's rate from the store: each may go at the whole of it.
            guard maxRequestsPerSecond == Defaults.rate, maxRequestsPerMinute == nil else {
                throw ValidationError("--fleet_rate and --max_requests_per_second both set the rate; give one (--fleet_rate for the fleet, shared through --limits_store).")
            }
            try Limits.check(fleetRate, "--fleet_rate", Limits.rate, "requests per second (0 = no limit)")
            return fleetRate
        }
        guard let count = shards ?? shard.flatMap(Shard.init)?.count else {
            throw ValidationError("--fleet_rate is the rate of a whole fleet of shards: give --shard i/n or --shards n with it (or use --max_requests_per_second for one run).")
        }
        guard maxRequestsPerSecond == Defaults.rate, maxRequestsPerMinute == nil else {
            throw ValidationError("--fleet_rate and --max_requests_per_second both set the rate; give one (--fleet_rate for the fleet, each shard taking its share).")
        }
        try Limits.check(fleetRate, "--fleet_rate", Limits.rate.lowerBound...(Limits.rate.upperBound * Double(max(1, count))), "requests per second (0 = no limit)")
        return fleetRate / Double(max(1, count))
    }

    /// Requests per second from --max_requests_per_second, or from the cookbook's per-minute rate.
    private func cookbookRate() throws -> Double {
        guard let perMinute = maxRequestsPerMinute else { return maxRequestsPerSecond }
        guard maxRequestsPerSecond == Defaults.rate else {
            throw ValidationError("--max_requests_per_minute and --max_requests_per_second say the same thing; give one.")
        }
        try Limits.check(perMinute, "--max_requests_per_minute", Limits.rate.lowerBound...(Limits.rate.upperBound * 60), "(0 = no limit)")
        return perMinute / 60
    }

    /// `--logging_level` as Python's logging numbers or names.
    private func cookbookLogLevel() throws -> LogLevelOption? {
        guard let loggingLevel else { return nil }
        let numbers: [String: LogLevelOption] = ["10": .debug, "20": .info, "30": .warning, "40": .error, "50": .critical]
        if let level = numbers[loggingLevel] ?? LogLevelOption(rawValue: loggingLevel.lowercased()) { return level }
        throw ValidationError("--logging_level takes 10, 20, 30, 40 or 50 (Python's logging levels) or one of \(LogLevelOption.allCases.map(\.rawValue).joined(separator: ", ")), not \(loggingLevel).")
    }

    private func makeShard(environment: [String: String]) throws -> Shard? {
        switch (shard, shards) {
        case (nil, nil):
            return nil
        case (let text?, nil):
            guard let parsed = Shard(text) else { throw ValidationError("--shard must be i/n with 0 ≤ i < n, e.g. 0/4, not \(text).") }
            return parsed
        case (nil, let count?):
            guard let text = environment["JOB_COMPLETION_INDEX"], let index = Int(text) else {
                throw ValidationError("--shards needs JOB_COMPLETION_INDEX in the environment (set by a Kubernetes Indexed Job); use --shard i/n otherwise.")
            }
            guard let parsed = Shard(index: index, count: count) else {
                throw ValidationError("--shards \(count) with JOB_COMPLETION_INDEX=\(index): the index must be below the shard count.")
            }
            return parsed
        case (.some, .some):
            throw ValidationError("--shard and --shards cannot be used together.")
        }
    }

    /// The endpoints, and warnings about keys: a variable named for a key that is unset, or the
    /// default OpenAI endpoint without one (local endpoints without a key are normal).
    private func makeEndpoints(environment: [String: String]) throws -> ([EndpointConfiguration], [String]) {
        let key: String?
        do {
            key = try HeaderField.key(in: apiKeyEnv, environment: environment)
        } catch {
            throw ValidationError("--api_key_env: \(error).")
        }
        var warnings: [String] = []
        var endpoints: [EndpointConfiguration] = []
        let cookbookURL = requestURL.map { url in
            url.hasSuffix("/chat/completions") ? String(url.dropLast("/chat/completions".count)) : url
        }
        for spec in endpoint + (cookbookURL.map { [$0] } ?? []) {
            do {
                let (named, isBatch, unpriced) = EndpointFile.route(ofSpec: spec)
                let (price, rest) = try EndpointFile.price(ofSpec: unpriced)
                let (url, weight) = try EndpointFile.parseSpec(rest)
                var configuration = EndpointConfiguration(url: url, weight: weight, apiKey: key)
                if let named { configuration.dialect = named }
                if isBatch { configuration.batch = BatchSettings(dialect: configuration.dialect) }
                configuration.price = price
                if configuration.dialect == .anthropic, apiKeyEnvOption == nil {
                    configuration.apiKey = try HeaderField.key(in: APIDialect.anthropicKeyVariable, environment: environment)
                }
                endpoints.append(configuration)
            } catch {
                throw ValidationError("--endpoint: \(error).")
            }
        }
        if let endpointsFile {
            let text: String
            do {
                text = try String(contentsOfFile: endpointsFile, encoding: .utf8)
            } catch {
                throw ValidationError("--endpoints: cannot read \(endpointsFile).")
            }
            do {
                endpoints += try EndpointFile.parse(text, environment: environment, defaultKeyVariable: apiKeyEnv)
            } catch {
                throw ValidationError("--endpoints: \(endpointsFile): \(error).")
            }
        }
        if endpoints.isEmpty {
            let base = environment["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.openai.com/v1"
            guard let url = EndpointURL(base) else {
                throw ValidationError("OPENAI_BASE_URL: \(EndpointURL.problem(with: base)); pass --endpoint instead.")
            }
            endpoints.append(EndpointConfiguration(url: url, weight: 1, apiKey: key))
            if key == nil && url.host == "api.openai.com" {
                warnings.append("$\(apiKeyEnv) is not set, so requests to api.openai.com go without a key and will be refused (401); export \(apiKeyEnv)=sk-… or pass --endpoint for your own server")
            }
        } else if key == nil, let named = apiKeyEnvOption, !endpoint.isEmpty {
            warnings.append("--api_key_env \(named) names a variable that is not set: requests to \(endpoint.count == 1 ? "the endpoint" : "the --endpoint endpoints") go without a key")
        }
        for endpoint in endpoints {
            if let variable = endpoint.missingKeyVariable {
                warnings.append("endpoint \(endpoint.name) names api_key_env \(variable), which is not set: its requests go without a key")
            }
        }
        try applyNetwork(to: &endpoints, environment: environment)
        return (EndpointConfiguration.uniquelyNamed(endpoints), warnings)
    }

    private func checkReadable(_ path: String) throws {
        guard path != "-" else { return }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("--requests_filepath: \(path) does not exist.")
        }
        guard !isDirectory.boolValue else { throw ValidationError("--requests_filepath: \(path) is a directory, not a file.") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ValidationError("--requests_filepath: \(path) cannot be read (permission denied).")
        }
    }

    private func checkWritable(_ path: String, option: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw ValidationError("\(option): \(path) is a directory, not a file.") }
            guard FileManager.default.isWritableFile(atPath: path) else { throw ValidationError("\(option): \(path) is not writable.") }
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        let parent = directory.isEmpty ? "." : directory
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(option): the directory \(parent) does not exist.")
        }
        guard FileManager.default.isWritableFile(atPath: parent) else { throw ValidationError("\(option): the directory \(parent) is not writable.") }
    }

    /// `in.jsonl` → `in_results.jsonl`; other names get `_results.jsonl` appended; stdin → `stdin_results.jsonl`.
    static func defaultSavePath(for input: String) -> String {
        if input == "-" { return "stdin_results.jsonl" }
        if input.hasSuffix(".jsonl") { return String(input.dropLast(6)) + "_results.jsonl" }
        return input + "_results.jsonl"
    }

    /// The errors file when none is named: the shared `errors.jsonl` beside the save file when it
    /// already holds this input's failures (or an earlier fanout wrote it for this save file
    /// without recording owners); otherwise one named after the save file (`out.jsonl` →
    /// `out_errors.jsonl`), so two inputs in one directory never share it.
    static func defaultErrorsPath(save: String, input: String) -> String {
        let shared = sibling(of: save, named: "errors.jsonl")
        if FileManager.default.fileExists(atPath: shared) {
            switch (OutputOwner.recorded(for: shared), OutputOwner.recorded(for: save)) {
            case (let owner?, _) where owner.input == absolute(input): return shared
            case (nil, let saveOwner?) where saveOwner.errors == absolute(shared): return shared
            case (nil, nil) where FileManager.default.fileExists(atPath: save): return shared
            default: break
            }
        }
        return errorsPath(namedAfter: save)
    }

    /// `out.jsonl` → `out_errors.jsonl` (other names get `_errors.jsonl` appended).
    static func errorsPath(namedAfter save: String) -> String {
        (save.hasSuffix(".jsonl") ? String(save.dropLast(6)) : save) + "_errors.jsonl"
    }

    /// `path` absolute, with symlinks resolved, as owners are recorded; `-` (stdin) as it is.
    static func absolute(_ path: String) -> String {
        path == "-" ? "-" : URL(fileURLWithPath: canonical(path)).resolvingSymlinksInPath().path
    }

    static func sibling(of path: String, named name: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
    }

    /// Refuses outputs that are the input, or each other, by path or as files (device and inode), so
    /// a symlink or hard link to the input is caught as well as the same path spelled twice.
    static func checkDistinct(input: String, save: String, errors: String, log: String?) throws {
        let inputFile = input == "-" ? FileIdentity(descriptor: 0) : FileIdentity(path: input)
        func same(_ path: String, _ other: String, _ otherFile: FileIdentity?) -> Bool {
            if other != "-", canonical(path) == canonical(other) { return true }
            guard let file = FileIdentity(path: path), let otherFile else { return false }
            return file == otherFile
        }
        var outputs = [("--save_filepath", save), ("--errors_filepath", errors)]
        if let log { outputs.append(("--log_file", log)) }
        for (option, path) in outputs where same(path, input, inputFile) {
            throw ValidationError("\(option) must differ from --requests_filepath: \(path) is the input file (\(input)), and writing there would overwrite the input.")
        }
        if same(errors, save, FileIdentity(path: save)) {
            throw ValidationError("--errors_filepath \(errors) is the same file as --save_filepath \(save); give each its own file.")
        }
        if let log, same(log, save, FileIdentity(path: save)) || same(log, errors, FileIdentity(path: errors)) {
            throw ValidationError("--log_file \(log) is one of the output files; give the log its own file.")
        }
    }

    static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let url = URL(fileURLWithPath: absolute).standardizedFileURL
        let directory = url.deletingLastPathComponent().resolvingSymlinksInPath()
        return directory.appendingPathComponent(url.lastPathComponent).path
    }
}
