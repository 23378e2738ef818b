import ArgumentParser
import Engine
import Foundation

/// `fanout ps`: the fanout runs of this user on this machine, one line each.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "List the running fanout runs of this user: pid, start time, input, progress, rate, control address.",
        discussion: "Runs are found in the control directory (docs/control.md); entries of runs that are gone are removed. A run's figures are asked of its socket; ps never sends a token, so a run on a TCP control endpoint is listed without figures (fanout attach PID shows them).")

    @Flag(name: .customLong("json"), help: "One JSON object per run, one per line, with its whole status (schema fanout.status/1).")
    var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let runs = ControlDirectory.resolve(environment: environment).liveEntries(warn: { Console.error("fanout: \($0)") })
        let statuses = await Self.statuses(of: runs)
        if json {
            for (entry, status) in zip(runs, statuses) {
                let line = String(decoding: StatusCoding.encode(PsLine(run: entry, status: status)), as: UTF8.self)
                Console.out(line)
            }
            return
        }
        guard !runs.isEmpty else {
            Console.error("fanout: no fanout run of this user is running here")
            return
        }
        Console.out(Self.table(runs, statuses))
    }

    /// Each run's status, asked of all at once (a run that does not answer in a second: nil).
    static func statuses(of runs: [RunEntry]) async -> [StatusDocument?] {
        await withTaskGroup(of: (Int, StatusDocument?).self) { group in
            for (index, entry) in runs.enumerated() {
                group.addTask {
                    // ps sends no token to anyone: a TCP run is listed without figures.
                    guard let control = entry.control, let address = ControlAddress(control), !address.isTCP else { return (index, nil) }
                    var client = ControlClient(address: address, token: nil)
                    client.timeout = 1
                    return (index, (try? await client.status())?.bounded().document)
                }
            }
            var statuses = [StatusDocument?](repeating: nil, count: runs.count)
            for await (index, status) in group { statuses[index] = status }
            return statuses
        }
    }

    /// The runs as aligned columns under a header.
    static func table(_ runs: [RunEntry], _ statuses: [StatusDocument?]) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        var rows = [["PID", "STARTED", "INPUT", "PROGRESS", "ANSWERS/S", "STATE", "CONTROL"]]
        for (entry, status) in zip(runs, statuses) {
            rows.append([String(entry.pid), formatter.string(from: Date(timeIntervalSince1970: entry.startedAt)),
                         TerminalText.sanitized(entry.input, keepsLayout: false), status.map(progress) ?? "–",
                         status.map { Format.rate($0.finishedPerS) } ?? "–",
                         status?.state ?? Self.unknownState(entry),
                         TerminalText.sanitized(entry.control ?? "none", keepsLayout: false)])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.offset == row.count - 1 ? $0.element : Format.pad($0.element, widths[$0.offset]) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// What the STATE column says of a run without figures.
    static func unknownState(_ entry: RunEntry) -> String {
        guard let control = entry.control else { return "no control" }
        return ControlAddress(control)?.isTCP == true ? "tcp (attach)" : "no answer"
    }

    /// `1,234 / 10,000 (12.3 %)`, or `1,234 done` before the total is counted.
    static func progress(_ status: StatusDocument) -> String {
        let done = status.records.saved + status.records.failed + status.records.resumed
        guard let total = status.records.total, total > 0 else { return "\(Format.count(done)) done" }
        return "\(Format.count(done)) / \(Format.count(total)) (\(Format.percent(Double(done) / Double(total))))"
    }
}

/// One line of `fanout ps --json`.
private struct PsLine: Encodable {
    let run: RunEntry
    let status: StatusDocument?
}
