import Foundation
import Testing

/// The generated bash completion, run by a real bash as the shell runs it on Tab.
@Suite(.serialized, .tags(.integration)) struct CompletionTests {
    /// `fanout --requests_f<Tab>` completes run's option (no subcommand typed), a file option's value
    /// completes paths, and a subcommand's prefix completes it.
    @Test func bashCompletesAsItShould() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "".write(to: directory.appendingPathComponent("prompts.jsonl"), atomically: true, encoding: .utf8)
        let script = try BinaryTests().fanout(["--generate-completion-script", "bash"]).stdout
        try script.write(to: directory.appendingPathComponent("fanout.bash"), atomically: true, encoding: .utf8)
        let driver = #"""
            source ./fanout.bash
            complete_line() {
              COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
              read -ra COMP_WORDS <<< "$COMP_LINE"
              COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
              COMPREPLY=()
              _fanout fanout "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
              echo "${COMPREPLY[*]}"
            }
            complete_line "fanout --requests_f"
            complete_line "fanout --requests_filepath pro"
            complete_line "fanout valid"
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", driver]
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        process.waitUntilExit()
        #expect(lines == ["--requests_filepath", "prompts.jsonl", "validate"], "\(lines)")
    }
}
