import Testing
@testable import Dashboard

@Suite struct KeyBindingsTests {
    /// Every documented key maps to its command; unknown keys do nothing.
    @Test func table() {
        let expected: [(Key, DashboardCommand)] = [
            (.character(" "), .togglePause), (.character("p"), .togglePause), (.character("+"), .rateUp), (.character("-"), .rateDown),
            (.up, .selectPrevious), (.character("k"), .selectPrevious), (.down, .selectNext), (.character("j"), .selectNext),
            (.right, .weightUp), (.character("l"), .weightUp), (.left, .weightDown), (.character("h"), .weightDown),
            (.character("0"), .drain), (.character("r"), .resetWeights), (.character("?"), .toggleHelp),
            (.character("q"), .quit), (.interrupt, .interrupt), (.resize, .redraw),
            (.character("["), .capDown), (.character("]"), .capUp), (.character("{"), .totalCapDown), (.character("}"), .totalCapUp),
            (.character("X"), .stopRun),
        ]
        for (key, command) in expected { #expect(KeyBindings.command(for: key, showingHelp: false) == command) }
        #expect(KeyBindings.command(for: .character("x"), showingHelp: false) == nil)
    }

    /// While help is shown any key closes it, but Ctrl-C still interrupts.
    @Test func helpSwallowsKeys() {
        #expect(KeyBindings.command(for: .character("q"), showingHelp: true) == .toggleHelp)
        #expect(KeyBindings.command(for: .interrupt, showingHelp: true) == .interrupt)
    }

    /// After X, y confirms the stop and any other key cancels it; Ctrl-C still interrupts.
    @Test func stopWaitsForY() {
        #expect(KeyBindings.command(for: .character("y"), showingHelp: false, confirmingStop: true) == .confirmStop)
        #expect(KeyBindings.command(for: .character("Y"), showingHelp: false, confirmingStop: true) == .confirmStop)
        #expect(KeyBindings.command(for: .character("q"), showingHelp: false, confirmingStop: true) == .cancelStop)
        #expect(KeyBindings.command(for: .character("y"), showingHelp: false) == nil)
        #expect(KeyBindings.command(for: .interrupt, showingHelp: false, confirmingStop: true) == .interrupt)
    }

    /// Attached, the footer and the help say q detaches and X stops the run; the local ones say q quits.
    @Test func attachedWords() {
        let attached = KeyBindings.footer(wide: true, attached: true)
        #expect(attached.contains { $0 == ("q", "detach") } && attached.contains { $0 == ("X", "stop run") })
        #expect(!attached.contains { $0 == ("q", "quit") })
        let local = KeyBindings.footer(wide: true)
        #expect(local.contains { $0 == ("q", "quit") } && !local.contains { $0.0 == "X" })
        #expect(KeyBindings.footer(wide: false, attached: true).contains { $0 == ("X", "stop") })
        #expect(KeyBindings.help(attached: true).contains { $0.0 == "q" && $0.1.hasPrefix("detach") })
        #expect(KeyBindings.help().contains { $0.0 == "q" && $0.1.hasPrefix("quit") })
    }
}
