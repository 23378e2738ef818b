import Engine
import Testing
import TestSupport
@testable import Dashboard

@Suite struct DashboardControllerTests {
    func apply(_ command: DashboardCommand, _ snapshot: StatsSnapshot = Fixtures.busy(), view: ViewState = ViewState()) -> DashboardController.Effect {
        DashboardController.apply(command, snapshot: snapshot, view: view)
    }

    /// Space pauses a running run and resumes a paused one, with a confirmation.
    @Test func pauseToggles() {
        #expect(apply(.togglePause).commands == [.pause])
        #expect(apply(.togglePause, Fixtures.busy(state: .paused)).commands == [.resume])
        #expect(apply(.togglePause).view.flash?.hasPrefix("paused") == true)
    }

    /// + and - multiply and divide the rate by 1.25; from unlimited, - starts at the measured rate.
    @Test func rateKeys() {
        #expect(apply(.rateUp).commands == [.setRate(2500)])
        #expect(apply(.rateDown).commands == [.setRate(1600)])
        #expect(apply(.rateDown).view.flash == "rate 2,000/s → 1,600/s")
        var unlimited = Fixtures.busy()
        unlimited.targetRate = 0
        #expect(apply(.rateDown, unlimited).commands == [.setRate(2004)])
        #expect(apply(.rateUp, unlimited).commands.isEmpty)
    }

    /// Arrows move the selection within bounds; weight keys change the selected endpoint, not below 0.
    @Test func selectionAndWeights() {
        var view = ViewState()
        view = apply(.selectNext, view: view).view
        view = apply(.selectNext, view: view).view
        #expect(view.selected == 2)
        #expect(apply(.weightUp, view: view).commands == [.setWeight(endpoint: 2, weight: 2)])
        #expect(apply(.drain, view: view).commands == [.setWeight(endpoint: 2, weight: 0)])
        view.selected = 3
        #expect(apply(.weightDown, view: view).commands == [.setWeight(endpoint: 3, weight: 0)])
        #expect(apply(.selectNext, view: view).view.selected == 3)
        view.selected = 0
        #expect(apply(.selectPrevious, view: view).view.selected == 0)
    }

    /// [ and ] step the selected endpoint's cap by 1.25 (by at least 1, never below 1), from the
    /// global cap when it has none; { and } step the global cap, and from auto { starts at what is in flight.
    @Test func capKeys() {
        var view = ViewState()
        view.selected = 1
        var snapshot = Fixtures.busy()
        snapshot.endpoints[1].maxInFlight = 48
        snapshot.endpoints[1].limits.inFlightCap = 48
        snapshot.endpoints[1].limits.capIsAuto = true
        #expect(apply(.capUp, snapshot, view: view).commands == [.setEndpointMaxInFlight(endpoint: 1, 60)])
        #expect(apply(.capDown, snapshot, view: view).commands == [.setEndpointMaxInFlight(endpoint: 1, 38)])
        #expect(apply(.capDown, snapshot, view: view).view.flash?.hasSuffix("in-flight cap 48 → 38 (auto goes on from there)") == true)
        snapshot.endpoints[1].maxInFlight = 1
        #expect(apply(.capDown, snapshot, view: view).commands == [.setEndpointMaxInFlight(endpoint: 1, 1)])
        #expect(apply(.capUp, snapshot, view: view).commands == [.setEndpointMaxInFlight(endpoint: 1, 2)])
        #expect(apply(.capUp, view: ViewState()).commands == [.setEndpointMaxInFlight(endpoint: 0, 5120)])
        #expect(apply(.totalCapUp).commands == [.setMaxInFlight(5120)])
        #expect(apply(.totalCapDown).view.flash == "in-flight cap 4,096 → 3,277")
        snapshot.inFlightIsAuto = true
        #expect(apply(.totalCapDown, snapshot).commands == [.setMaxInFlight(950)])
        #expect(apply(.totalCapUp, snapshot).commands.isEmpty)
    }

    /// r restores every changed weight to its starting value.
    @Test func resetWeights() {
        var snapshot = Fixtures.busy()
        snapshot.endpoints[1].weight = 7
        #expect(apply(.resetWeights, snapshot).commands == [.setWeight(endpoint: 1, weight: 2)])
    }

    /// q stops the engine; a second Ctrl-C before the run is done forces the exit.
    @Test func quitting() {
        let first = apply(.interrupt)
        #expect(first.commands == [.stop] && first.view.quitRequested && !first.forceQuit)
        #expect(apply(.interrupt, view: first.view).forceQuit)
        #expect(apply(.quit, Fixtures.busy(state: .done)).commands.isEmpty)
    }

    /// Hundreds of presses of + ] } → keep every value inside Limits' ranges, and each confirmation
    /// renders without trapping (they once overflowed after ~170 presses).
    @Test func keysStayInsideLimits() {
        var snapshot = Fixtures.busy()
        var view = ViewState()
        for _ in 0..<400 {
            for command in [DashboardCommand.rateUp, .capUp, .totalCapUp, .weightUp] {
                let effect = DashboardController.apply(command, snapshot: snapshot, view: view)
                view = effect.view
                for engineCommand in effect.commands {
                    switch engineCommand {
                    case .setRate(let rate): snapshot.targetRate = rate
                    case .setMaxInFlight(let cap): snapshot.maxInFlight = cap
                    case .setEndpointMaxInFlight(let endpoint, let cap): snapshot.endpoints[endpoint].maxInFlight = cap
                    case .setWeight(let endpoint, let weight): snapshot.endpoints[endpoint].weight = weight
                    default: break
                    }
                }
            }
        }
        #expect(Limits.rate.contains(snapshot.targetRate) && snapshot.targetRate == Limits.rate.upperBound)
        #expect(Limits.inFlight.contains(snapshot.maxInFlight) && snapshot.maxInFlight == Limits.inFlight.upperBound)
        #expect(snapshot.endpoints.allSatisfy { Limits.inFlight.contains($0.maxInFlight ?? 1) && Limits.weight.contains($0.weight) })
        #expect(DashboardController.step(Int.max, up: true) == Limits.inFlight.upperBound && DashboardController.step(Int.min, up: false) == 1)
        #expect(DashboardController.rateText(9.1e21) == "9.1e+21/s" && DashboardController.rateText(.infinity) == "inf/s")
    }

    /// Attached, q and Ctrl-C detach without a command; locally they stop the run.
    @Test func attachedQuitDetaches() {
        var view = ViewState()
        view.isAttached = true
        for command in [DashboardCommand.quit, .interrupt] {
            let effect = apply(command, view: view)
            #expect(effect.detach && effect.commands.isEmpty && !effect.forceQuit)
        }
        #expect(apply(.quit).commands == [.stop] && !apply(.quit).detach)
    }

    /// X asks, y stops the run, anything else keeps it going; X on a finished run asks nothing.
    @Test func stopNeedsConfirmation() {
        let asked = apply(.stopRun)
        #expect(asked.commands.isEmpty && asked.view.confirmingStop)
        #expect(asked.view.flashMessage(at: 10_000)?.hasPrefix("stop the run?") == true)
        let confirmed = apply(.confirmStop, view: asked.view)
        #expect(confirmed.commands == [.stop] && !confirmed.view.confirmingStop)
        let cancelled = apply(.cancelStop, view: asked.view)
        #expect(cancelled.commands.isEmpty && !cancelled.view.confirmingStop && cancelled.view.flash == "the run goes on")
        #expect(!apply(.stopRun, Fixtures.busy(state: .done)).view.confirmingStop)
    }

    /// Quick presses compound on what the previous press asked for, not on the figures a frame old:
    /// three `-` from 300/s ask 240, 192, then 154; weights and caps likewise; 3 s after the last
    /// press the screen's figures rule again.
    @Test func quickPressesCompound() {
        var snapshot = Fixtures.busy()
        snapshot.targetRate = 300
        var view = ViewState()
        var asked: [EngineCommand] = []
        for _ in 0..<3 {
            let effect = apply(.rateDown, snapshot, view: view)
            asked += effect.commands
            view = effect.view
        }
        #expect(asked == [.setRate(240), .setRate(192), .setRate(154)])
        for _ in 0..<2 { view = apply(.weightUp, snapshot, view: view).view }
        #expect(apply(.weightUp, snapshot, view: view).commands == [.setWeight(endpoint: 0, weight: snapshot.endpoints[0].weight + 3)])
        let cap = snapshot.endpoints[0].maxInFlight ?? snapshot.maxInFlight
        view = apply(.capDown, snapshot, view: view).view
        #expect(apply(.capDown, snapshot, view: view).commands == [.setEndpointMaxInFlight(endpoint: 0, DashboardController.step(DashboardController.step(cap, up: false), up: false))])
        snapshot.elapsed += RequestedValues.holdSeconds + 0.5
        #expect(apply(.rateDown, snapshot, view: view).commands == [.setRate(240)])
    }
}
