import Foundation
import Testing
@testable import Engine

@Suite struct OutputLockTests {
    func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A second claim on a held output is busy and names the holder; after release it is free again
    /// and the lock file is gone.
    @Test func secondClaimIsBusyUntilReleased() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/out.jsonl"
        guard case .held(let lock) = try OutputLock.claim(output, holder: "4242@box-a") else { Issue.record("not held"); return }
        guard case .busy(let holder) = try OutputLock.claim(output, holder: "1@box-b") else { Issue.record("claimed twice"); return }
        #expect(holder == "4242@box-a" && OutputLock.describe(holder: holder) == "pid 4242 on box-a")
        lock.release()
        #expect(!FileManager.default.fileExists(atPath: OutputLock.lockPath(for: output)))
        guard case .held(let again) = try OutputLock.claim(output, holder: "1@box-b") else { Issue.record("not free after release"); return }
        again.release()
    }

    /// A lock file left by a dead process (no flock on it) is taken over at once.
    @Test func staleLockFileIsTakenOver() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/out.jsonl"
        try "999999@gone\n".write(toFile: OutputLock.lockPath(for: output), atomically: true, encoding: .utf8)
        guard case .held(let lock) = try OutputLock.claim(output, holder: OutputLock.thisProcess) else { Issue.record("stale lock blocked"); return }
        #expect(try String(contentsOfFile: lock.path, encoding: .utf8) == OutputLock.thisProcess + "\n")
        lock.release()
    }

    /// A symbolic link planted where the lock file goes is removed, never followed: its target is untouched.
    @Test func plantedLinkIsNotFollowed() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/out.jsonl", victim = folder + "/victim.txt"
        try "precious".write(toFile: victim, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: OutputLock.lockPath(for: output), withDestinationPath: victim)
        guard case .held(let lock) = try OutputLock.claim(output, holder: "7@host") else { Issue.record("not held"); return }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(FileIdentity(linkAt: lock.path)?.isRegular == true)
        lock.release()
    }
}
