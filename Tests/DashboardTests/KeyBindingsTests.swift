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
        ]
        for (key, command) in expected { #expect(KeyBindings.command(for: key, showingHelp: false) == command) }
        #expect(KeyBindings.command(for: .character("x"), showingHelp: false) == nil)
    }

    /// While help is shown any key closes it, but Ctrl-C still interrupts.
    @Test func helpSwallowsKeys() {
        #expect(KeyBindings.command(for: .character("q"), showingHelp: true) == .toggleHelp)
        #expect(KeyBindings.command(for: .interrupt, showingHelp: true) == .interrupt)
    }
}
