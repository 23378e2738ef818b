import ArgumentParser
import Engine
import Testing
@testable import fanout

/// `fanout mock-server`'s ports and the API each speaks.
@Suite struct MockServerCommandTests {
    /// `--api` sets every port's API; `anthropic:PORT` sets one port's, so one process serves both.
    @Test func portsAndAPIs() throws {
        let mixed = try MockServerCommand.parse(["--port", "8001", "--port", "anthropic:8002"]).allPorts()
        #expect(mixed.map(\.port) == [8001, 8002] && mixed.map(\.api) == [.openAI, .anthropic])
        let all = try MockServerCommand.parse(["--api", "anthropic", "--ports", "9001-9002"]).allPorts()
        #expect(all.allSatisfy { $0.api == .anthropic } && all.count == 2)
        #expect(try MockServerCommand.parse([]).allPorts().map(\.port) == [8001])
        #expect(throws: (any Error).self) { try MockServerCommand.parse(["--port", "anthropic:x"]).allPorts() }
        #expect(throws: (any Error).self) { try MockServerCommand.parse(["--api", "gemini"]) }
    }

    /// `--close_after_answer` makes a server that closes after every answer; without it, none does.
    @Test func closeAfterAnswer() throws {
        #expect(try MockServerCommand.parse(["--close_after_answer"]).behavior.makeBehavior().closesAfterAnswer)
        #expect(try MockServerCommand.parse(["--close-after-answer"]).behavior.makeBehavior().closesAfterAnswer)
        #expect(try !MockServerCommand.parse([]).behavior.makeBehavior().closesAfterAnswer)
    }
}
