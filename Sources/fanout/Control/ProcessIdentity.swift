import Foundation

/// A process as the kernel knows it: its pid and when it started, so a reused pid is not taken for
/// the run that had it.
struct ProcessIdentity: Codable, Hashable, Sendable {
    var pid: Int32
    /// Its start time in clock ticks since boot (`/proc/PID/stat`, field 22); nil where there is no /proc.
    var startTicks: UInt64?

    static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, startTicks: startTicks(of: pid))
    }

    /// Whether this process still runs (and is the same one). A zombie (ended, not yet reaped by a
    /// parent that never will be, as in a container without an init) has ended.
    var isAlive: Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let fields = Self.statFields(of: pid) else { return true }
        if fields.first == "Z" || fields.first == "X" { return false }
        guard let startTicks else { return true }
        return fields.count > 19 && UInt64(fields[19]) == startTicks
    }

    /// Field 22 of `/proc/PID/stat`.
    static func startTicks(of pid: Int32) -> UInt64? {
        guard let fields = statFields(of: pid), fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// The fields of `/proc/PID/stat` after the command name, from field 3 (the state) on: the name
    /// may hold spaces and parentheses, so they are counted after its last `)`.
    private static func statFields(of pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }
}
