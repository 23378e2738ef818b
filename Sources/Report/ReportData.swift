import Engine
import Foundation

/// Everything a report shows, from a finished run (or rebuilt from its files): the figures at the
/// end, the timeline, the operator's actions and the run's metadata. The HTML and the JSON are both
/// drawn from this one value.
public struct ReportData {
    public struct Meta {
        /// The command line with keys and URL credentials removed (`ReportData.redactedCommand`).
        public var command: String
        /// Unix seconds.
        public var startedAt: Double
        public var endedAt: Double
        public var version: String
        /// `run` for a report written by the run, `files` for one rebuilt from its files.
        public var source: String
        public var input: String
        public var save: String
        public var errors: String
        public var endpoints: [(name: String, url: String)]
        /// The runs (or shards) the figures cover: one for a run's own report, the save files read for a rebuilt one.
        public var runs = 1
        /// What the figures cover, said plainly (a resumed run's own report covers its segment only).
        public var coverage = ""

        public init(command: String, startedAt: Double, endedAt: Double, version: String, source: String, input: String, save: String,
                    errors: String, endpoints: [(name: String, url: String)]) {
            self.command = command
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.version = version
            self.source = source
            self.input = input
            self.save = save
            self.errors = errors
            self.endpoints = endpoints
        }
    }

    public var meta: Meta
    public var snapshot: StatsSnapshot
    public var timeline: Timeline
    public var actions: [OperatorAction]

    public init(meta: Meta, snapshot: StatsSnapshot, timeline: Timeline, actions: [OperatorAction]) {
        self.meta = meta
        self.snapshot = snapshot
        self.timeline = timeline
        self.actions = actions
    }

    /// Options whose value is itself a secret. Only these are hidden whole: a name is never judged
    /// by what it contains (`--max_tokens` holds no token).
    static let secretOptions: Set<String> = ["--api_key", "--api-key", "--control_token", "--control-token", "--password", "--secret", "--token"]

    /// The argument list with secrets removed: URL userinfo and key-like query values become
    /// `REDACTED`, and so does the value of every option in `secretOptions`.
    public static func redactedCommand(_ arguments: [String]) -> String {
        var out: [String] = []
        var hideNext = false
        for argument in arguments {
            if hideNext {
                out.append("REDACTED")
                hideNext = false
                continue
            }
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if secretOptions.contains(name.lowercased()) {
                if argument.contains("=") {
                    out.append(name + "=REDACTED")
                } else {
                    out.append(argument)
                    hideNext = true
                }
                continue
            }
            out.append(redactURLs(in: argument))
        }
        return out.map(quoted).joined(separator: " ")
    }

    /// `scheme://user:pass@host/…?api-key=…` → `scheme://REDACTED@host/…?api-key=REDACTED`. An
    /// endpoint's `@weight` after the authority (`http://host:8000@3`) is a weight, not userinfo.
    static func redactURLs(in text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        var result = text
        let rest = result[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if authorityEnd == rest.endIndex, let at = authority.lastIndex(of: "@"),
           Double(authority[authority.index(after: at)...]) != nil {
            authority = authority[..<at]
        }
        if let at = authority.lastIndex(of: "@") {
            result.replaceSubrange(scheme.upperBound..<at, with: "REDACTED")
        }
        guard let query = result.firstIndex(of: "?") else { return result }
        let parameters = result[result.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = parts.first.map { $0.lowercased() } ?? ""
            let secret = ["key", "token", "sig", "secret", "password", "auth"].contains(where: name.contains)
            return secret && parts.count == 2 ? "\(parts[0])=REDACTED" : String(pair)
        }
        return String(result[...query]) + parameters.joined(separator: "&")
    }

    private static func quoted(_ argument: String) -> String {
        argument.isEmpty || argument.contains(where: { " \"'$\\".contains($0) }) ? "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'" : argument
    }
}

extension ReportData {
    /// What a run's own report covers: the whole run, or, resumed, this run's segment only.
    public static func coverage(ofRun snapshot: StatsSnapshot, save: String, errors: String) -> String {
        guard snapshot.resumed > 0 else { return "this run: every record of its input" }
        return "this run's segment only: \(Format.count(snapshot.resumed)) records finished by earlier runs of the same files are not "
            + "in these figures (fanout report \(save) \(errors) covers every record in the files)"
    }

    /// What a report rebuilt from files covers.
    static func coverage(ofFiles runs: Int) -> String {
        "every record in the files, earlier segments of resumed runs included"
            + (runs > 1 ? ": \(runs) runs or shards (save files), merged — totals summed, endpoints merged by name, timelines aligned by wall time" : "")
    }
}

