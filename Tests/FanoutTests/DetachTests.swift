import Foundation
import Testing
@testable import fanout

@Suite struct DetachTests {
    /// `--detach` refuses stdin by any name: `-`, `/dev/stdin`, `/dev/fd/0`, `/proc/self/fd/0` and
    /// this process's own pid's, and any path to the same file as stdin; an ordinary file is taken.
    @Test func stdinByAnyName() throws {
        for name in ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "/proc/\(getpid())/fd/0"] {
            #expect(Detach.readsStandardInput(name), "\(name)")
        }
        let file = NSTemporaryDirectory() + "/fanout-detach-\(UUID().uuidString).jsonl"
        FileManager.default.createFile(atPath: file, contents: Data("{}\n".utf8))
        defer { unlink(file) }
        #expect(!Detach.readsStandardInput(file))
        // The same file as stdin under another name.
        var input = stat()
        if fstat(STDIN_FILENO, &input) == 0, let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/0"),
           path.hasPrefix("/") {
            #expect(Detach.readsStandardInput(path), "\(path)")
        }
    }

    /// The run command refuses them with the same sentence as `-` (a usage error).
    @Test func runRefusesThem() throws {
        for name in ["-", "/dev/stdin", "/proc/self/fd/0"] {
            #expect(throws: (any Error).self) { try RunCommand.parse(["--requests_filepath", name, "--detach"]) }
        }
    }
}
