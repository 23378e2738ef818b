/// What a key asks for; the loop turns it into engine commands.
enum DashboardCommand: Hashable, Sendable {
    case togglePause
    case rateUp, rateDown
    case selectPrevious, selectNext
    case weightUp, weightDown
    /// The selected endpoint's in-flight cap × / ÷ 1.25.
    case capUp, capDown
    /// The global in-flight cap × / ÷ 1.25.
    case totalCapUp, totalCapDown
    case drain, resetWeights
    case toggleHelp
    /// Graceful: stop sending, finish in-flight requests, write, exit.
    case quit
    /// Ctrl-C: like quit the first time, at once the second.
    case interrupt
    case redraw
}

/// The key table, pure: a key to a command.
enum KeyBindings {
    /// The command for `key`, or nil for keys that do nothing. While help is shown any key closes it.
    static func command(for key: Key, showingHelp: Bool) -> DashboardCommand? {
        if key == .interrupt { return .interrupt }
        if key == .resize { return .redraw }
        if showingHelp { return .toggleHelp }
        switch key {
        case .character(" "), .character("p"): return .togglePause
        case .character("+"), .character("="): return .rateUp
        case .character("-"), .character("_"): return .rateDown
        case .up, .character("k"): return .selectPrevious
        case .down, .character("j"): return .selectNext
        case .right, .character("l"): return .weightUp
        case .left, .character("h"): return .weightDown
        case .character("]"): return .capUp
        case .character("["): return .capDown
        case .character("}"): return .totalCapUp
        case .character("{"): return .totalCapDown
        case .character("0"): return .drain
        case .character("r"): return .resetWeights
        case .character("?"): return .toggleHelp
        case .character("q"), .character("Q"): return .quit
        default: return nil
        }
    }

    /// The rows of the help overlay: key, then what it does.
    static let help: [(String, String)] = [
        ("space  p", "pause / resume sending (requests in flight finish)"),
        ("+  -", "rate limit × 1.25 / ÷ 1.25 (from unlimited, - starts at the measured rate)"),
        ("↑ ↓  k j", "select an endpoint"),
        ("→ ←  l h", "selected endpoint's weight + 1 / − 1 (0 drains it)"),
        ("[  ]", "selected endpoint's in-flight cap ÷ / × 1.25 (an auto cap keeps learning from it)"),
        ("{  }", "global in-flight cap ÷ / × 1.25 (from auto, { starts at what is in flight)"),
        ("0", "drain the selected endpoint (weight 0)"),
        ("r", "restore the starting weights"),
        ("?", "this help (any key closes it)"),
        ("q", "quit: stop sending, finish requests in flight, write, exit"),
        ("Ctrl-C", "same as q; a second Ctrl-C stops at once"),
    ]
}
