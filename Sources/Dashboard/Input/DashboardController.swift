import Engine

/// Turns a dashboard command into engine commands and a new view state, from the current snapshot.
///
/// Pure: the loop sends what comes back to the engine, so every key's effect is tested as data.
enum DashboardController {
    /// Rate keys multiply or divide by this.
    static let rateStep = 1.25

    struct Effect: Equatable {
        var commands: [EngineCommand] = []
        var view: ViewState
        /// Ctrl-C twice: leave at once.
        var forceQuit = false
        /// Attached: leave the screen; the run goes on.
        var detach = false
    }

    static func apply(_ command: DashboardCommand, snapshot: StatsSnapshot, view: ViewState) -> Effect {
        var view = view
        let now = snapshot.elapsed
        let count = snapshot.endpoints.count
        view.selected = count == 0 ? 0 : min(max(0, view.selected), count - 1)
        var commands: [EngineCommand] = []
        // Quick presses build on what the previous press asked for, not on figures a frame old.
        let requested = view.requested.current(at: now, scope: view.shardFocus)
        switch command {
        case .togglePause:
            if snapshot.state == .paused {
                commands.append(.resume)
                view.confirm("resumed", at: now)
            } else if snapshot.state == .running {
                commands.append(.pause)
                view.confirm("paused: requests in flight finish, nothing new is sent", at: now)
            }
        case .rateUp, .rateDown:
            return rate(up: command == .rateUp, snapshot: snapshot, view: view, requested: requested)
        case .selectPrevious:
            view.selected = max(0, view.selected - 1)
        case .selectNext:
            view.selected = count == 0 ? 0 : min(count - 1, view.selected + 1)
        case .weightUp, .weightDown, .drain:
            guard count > 0 else { break }
            let endpoint = snapshot.endpoints[view.selected]
            let was = requested.weights[endpoint.name] ?? endpoint.weight
            let weight = command == .drain ? 0 : min(Limits.weight.upperBound, max(0, was + (command == .weightUp ? 1 : -1)))
            commands.append(.setWeight(endpoint: view.selected, weight: weight))
            view.requested = view.requested.pressed(at: now, scope: view.shardFocus) { $0.weights[endpoint.name] = weight }
            view.confirm("\(endpoint.name) weight \(Format.weight(was)) → \(Format.weight(weight))"
                         + (weight == 0 ? " (drained)" : ""), at: now)
        case .capUp, .capDown:
            guard count > 0 else { break }
            let endpoint = snapshot.endpoints[view.selected]
            let current = requested.caps[endpoint.name] ?? endpoint.maxInFlight ?? snapshot.maxInFlight
            let next = step(current, up: command == .capUp)
            commands.append(.setEndpointMaxInFlight(endpoint: view.selected, next))
            view.requested = view.requested.pressed(at: now, scope: view.shardFocus) { $0.caps[endpoint.name] = next }
            view.confirm("\(endpoint.name) in-flight cap \(Format.count(current)) → \(Format.count(next))"
                         + (endpoint.limits.capIsAuto ? " (auto goes on from there)" : ""), at: now)
        case .totalCapUp, .totalCapDown:
            if snapshot.inFlightIsAuto && command == .totalCapUp {
                view.confirm("in-flight cap is auto: each endpoint finds its own ([ ] sets one)", at: now)
                return Effect(view: view)
            }
            let auto = snapshot.inFlightIsAuto && requested.totalCap == nil
            let current = requested.totalCap ?? (auto ? max(1, snapshot.inFlight) : snapshot.maxInFlight)
            let next = auto ? max(1, Int(saturating: (Double(current) / rateStep).rounded())) : step(current, up: command == .totalCapUp)
            commands.append(.setMaxInFlight(next))
            view.requested = view.requested.pressed(at: now, scope: view.shardFocus) { $0.totalCap = next }
            view.confirm("in-flight cap \(auto ? "auto" : Format.count(current)) → \(Format.count(next))", at: now)
        case .unbatch:
            guard count > 0 else { break }
            let endpoint = snapshot.endpoints[view.selected]
            if !endpoint.control.isBatchRoute {
                view.confirm("b cancels a batch route's batches: select one with ↑ ↓", at: now)
            } else if !snapshot.endpoints.contains(where: { !$0.control.isBatchRoute }) {
                view.confirm("no real-time endpoint to send \(endpoint.name)'s records to: its batches go on", at: now)
            } else {
                commands.append(.unbatch(endpoint: view.selected))
                view.confirm("cancelling \(endpoint.name)'s open batches: what they had not done goes real-time", at: now)
            }
        case .resetWeights:
            for (index, endpoint) in snapshot.endpoints.enumerated()
            where (requested.weights[endpoint.name] ?? endpoint.weight) != endpoint.initialWeight {
                commands.append(.setWeight(endpoint: index, weight: endpoint.initialWeight))
            }
            view.requested.weights = [:]
            view.confirm("weights restored", at: now)
        case .toggleHelp:
            view.showsHelp.toggle()
        case .nextShard:
            guard view.shardCount > 0 else {
                view.confirm("s shows one shard of a fleet (fanout attach with several targets)", at: now)
                break
            }
            let next = (view.shardFocus ?? -1) + 1
            view.shardFocus = next < view.shardCount ? next : nil
        case .quit, .interrupt, .stopRun, .confirmStop, .cancelStop:
            return leaving(command, snapshot: snapshot, view: view)
        case .redraw:
            break
        }
        return Effect(commands: commands, view: view)
    }

    /// `+` and `-`: the rate × or ÷ 1.25, from what the last quick press asked for; from unlimited, `-`
    /// starts at the measured rate.
    private static func rate(up: Bool, snapshot: StatsSnapshot, view: ViewState, requested: RequestedValues) -> Effect {
        var view = view
        let now = snapshot.elapsed
        let current = requested.rate ?? snapshot.targetRate
        let next: Double
        if current <= 0 {
            guard !up else {
                view.confirm("rate is unlimited", at: now)
                return Effect(view: view)
            }
            next = max(1, snapshot.measuredRate.rounded())
        } else {
            next = min(Limits.rate.upperBound, max(1, (up ? current * rateStep : current / rateStep).rounded()))
        }
        guard next != current else {
            view.confirm("rate \(rateText(current)) is the \(up ? "highest" : "lowest") the keys set (0 lifts it: --max_requests_per_second 0)", at: now)
            return Effect(view: view)
        }
        view.requested = view.requested.pressed(at: now, scope: view.shardFocus) { $0.rate = next }
        view.confirm("rate \(rateText(current)) → \(rateText(next))", at: now)
        return Effect(commands: [.setRate(next)], view: view)
    }

    /// Quitting, detaching and stopping: q and Ctrl-C quit a run of this process and detach from an
    /// attached one; X asks to stop the run, y confirms.
    private static func leaving(_ command: DashboardCommand, snapshot: StatsSnapshot, view: ViewState) -> Effect {
        var view = view
        let now = snapshot.elapsed
        switch command {
        case .quit, .interrupt:
            if view.isAttached { return Effect(view: view, detach: true) }
            if command == .interrupt && view.quitRequested && snapshot.state != .done {
                return Effect(view: view, forceQuit: true)
            }
            view.quitRequested = true
            guard snapshot.state != .done else { return Effect(view: view) }
            view.confirm("quitting: finishing requests in flight" + (command == .interrupt ? " (Ctrl-C again to stop at once)" : ""), at: now)
            return Effect(commands: [.stop], view: view)
        case .stopRun:
            guard snapshot.state != .done else {
                view.confirm("the run has ended", at: now)
                return Effect(view: view)
            }
            view.confirmingStop = true
            view.confirm("stop the run? y stops it (requests in flight finish; it exits 5), any other key keeps it going", at: now)
            view.flashUntil = .infinity
            return Effect(view: view)
        case .confirmStop:
            view.confirmingStop = false
            view.confirm("stopping the run: requests in flight finish, then it exits 5", at: now)
            return Effect(commands: [.stop], view: view)
        default:
            view.confirmingStop = false
            view.confirm("the run goes on", at: now)
            return Effect(view: view)
        }
    }

    /// One ×1.25 step of a cap, by at least 1, inside `Limits.inFlight` whatever `value` was.
    static func step(_ value: Int, up: Bool) -> Int {
        let range = Limits.inFlight
        let value = min(range.upperBound, max(range.lowerBound, value))
        let scaled = Int(saturating: (up ? Double(value) * rateStep : Double(value) / rateStep).rounded())
        let next = up ? max(value + 1, scaled) : min(value - 1, scaled)
        return min(range.upperBound, max(range.lowerBound, next))
    }

    /// `1,600/s`, or `unlimited` for 0; any finite or infinite value is shown without trapping.
    static func rateText(_ rate: Double) -> String {
        guard rate > 0 else { return "unlimited" }
        guard rate < 1e15 else { return "\(rate)/s" }
        return "\(Format.count(Int(saturating: rate.rounded())))/s"
    }
}
