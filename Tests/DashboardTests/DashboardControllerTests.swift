import Engine
import Testing
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
}
