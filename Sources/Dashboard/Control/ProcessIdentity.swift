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

    /// Whether this process still runs (and is the same one).
    var isAlive: Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let startTicks, let now = Self.startTicks(of: pid) else { return true }
        return now == startTicks
    }

    /// Field 22 of `/proc/PID/stat`; the command name (field 2) may hold spaces and parentheses,
    /// so fields are counted after its last `)`.
    static func startTicks(of pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the name: field 3 is fields[0], so field 22 is fields[19].
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
