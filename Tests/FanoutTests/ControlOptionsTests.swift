import ArgumentParser
import Engine
import Foundation
import Testing
@testable import fanout

@Suite struct ControlOptionsTests {
    func setting(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ControlSetting {
        try ControlOptions.parse(arguments).setting(environment: environment)
    }

    /// No option: the default socket; none: no endpoint; a path: that socket.
    @Test func sockets() throws {
        guard case .defaultSocket = try setting([]) else { Issue.record("not the default socket"); return }
        guard case .none = try setting(["--control", "none"]) else { Issue.record("not none"); return }
        let here = FileManager.default.currentDirectoryPath
        guard case .address(.socket(let path), nil, nil) = try setting(["--control", "./run.sock"]), path == here + "/run.sock" else {
            Issue.record("not the path made absolute")
            return
        }
    }

    /// TCP needs --control_token_env naming a set, non-empty variable; otherwise a usage error.
    @Test func tcpNeedsAToken() throws {
        #expect(throws: (any Error).self) { try setting(["--control", "127.0.0.1:7070"]) }
        #expect(throws: ValidationError.self) { try setting(["--control", "127.0.0.1:7070", "--control_token_env", "T"]) }
        #expect(throws: ValidationError.self) { try setting(["--control", "127.0.0.1:7070", "--control_token_env", "T"], ["T": ""]) }
        #expect(throws: (any Error).self) { try setting(["--control", "nonsense"]) }
        guard case .address(.tcp("127.0.0.1", 7070), let token?, "T") = try setting(["--control", "127.0.0.1:7070", "--control-token-env", "T"], ["T": "abc"]) else {
            Issue.record("not TCP with a token")
            return
        }
        #expect(token.accepts("Bearer abc"))
    }
}
