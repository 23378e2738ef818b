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
    /// Cancel the selected batch route's open batches (their unfinished records go real-time).
    case unbatch
    case toggleHelp
    /// Graceful: stop sending, finish in-flight requests, write, exit.
    case quit
    /// Ctrl-C: like quit the first time, at once the second.
    case interrupt
    /// X: ask to stop the run (attached, the only way to); y confirms, any other key cancels.
    case stopRun, confirmStop, cancelStop
    /// A fleet: show the next shard's own figures, after the last the fleet's again.
    case nextShard
    case redraw
}

/// The one key table: which keys do what, and how the help overlay, the footer and the docs name
/// them. `command(for:)`, `HelpOverlay`, the footer and `docs/reference.md` all read `rows`.
public enum KeyBindings {
    /// One row of the table: a group of keys said together (`+  -`), each key's command.
    struct Row: Sendable {
        /// The keys as the help overlay and the docs write them.
        let label: String
        let meaning: String
        let bindings: [(keys: [Key], command: DashboardCommand)]
        /// In the footer: the keys and a word, wide and compact (nil: not in that footer).
        var footer: (key: String, word: String)?
        var compactFooter: (key: String, word: String)?
        /// What the row means, and its footers, on a dashboard attached to a run (nil: as above).
        var attached: Attached?
    }

    struct Attached: Sendable {
        let meaning: String
        var footer: (key: String, word: String)?
        var compactFooter: (key: String, word: String)?
    }

    static let rows: [Row] = [
        Row(label: "space  p", meaning: "pause / resume sending (requests in flight finish; nothing new is sent)",
            bindings: [([.character(" "), .character("p")], .togglePause)], footer: ("space", "pause"), compactFooter: ("spc", "pause")),
        Row(label: "+  -", meaning: "rate limit × 1.25 / ÷ 1.25 (from unlimited, - starts at the measured rate)",
            bindings: [([.character("+"), .character("=")], .rateUp), ([.character("-"), .character("_")], .rateDown)],
            footer: ("+/-", "rate"), compactFooter: ("+/-", "rate")),
        Row(label: "↑ ↓  k j", meaning: "select an endpoint",
            bindings: [([.up, .character("k")], .selectPrevious), ([.down, .character("j")], .selectNext)],
            footer: ("↑↓", "select"), compactFooter: ("↑↓", "sel")),
        Row(label: "→ ←  l h", meaning: "selected endpoint's weight + 1 / − 1 (0 drains it)",
            bindings: [([.right, .character("l")], .weightUp), ([.left, .character("h")], .weightDown)],
            footer: ("←→", "weight"), compactFooter: ("←→", "weight")),
        Row(label: "[  ]", meaning: "selected endpoint's in-flight cap ÷ / × 1.25 (an auto cap keeps learning from it)",
            bindings: [([.character("[")], .capDown), ([.character("]")], .capUp)], footer: ("[ ]{ }", "caps")),
        Row(label: "{  }", meaning: "global in-flight cap ÷ / × 1.25 (from auto, { starts at what is in flight)",
            bindings: [([.character("{")], .totalCapDown), ([.character("}")], .totalCapUp)]),
        Row(label: "0", meaning: "drain the selected endpoint (weight 0)",
            bindings: [([.character("0")], .drain)], footer: ("0", "drain"), compactFooter: ("0", "drain")),
        Row(label: "b", meaning: "cancel the selected batch route's open batches: what they had not done goes to the real-time endpoints",
            bindings: [([.character("b")], .unbatch)]),
        Row(label: "r", meaning: "restore the starting weights",
            bindings: [([.character("r")], .resetWeights)], footer: ("r", "reset weights"), compactFooter: ("r", "reset")),
        Row(label: "?", meaning: "help: every key (any key closes it)",
            bindings: [([.character("?")], .toggleHelp)], footer: ("?", "help"), compactFooter: ("?", "help")),
        Row(label: "s", meaning: "attached to a fleet: the next shard's own figures; after the last, the whole fleet's again",
            bindings: [([.character("s")], .nextShard)]),
        Row(label: "X  y", meaning: "stop the run: X asks, y confirms (requests in flight finish; the run exits 5)",
            bindings: [([.character("X")], .stopRun)],
            attached: Attached(meaning: "stop the run: X asks, y confirms (the only keys here that stop it; it exits 5)",
                               footer: ("X", "stop run"), compactFooter: ("X", "stop"))),
        Row(label: "q", meaning: "quit: stop sending, finish requests in flight, write, exit",
            bindings: [([.character("q"), .character("Q")], .quit)], footer: ("q", "quit"), compactFooter: ("q", "quit"),
            attached: Attached(meaning: "detach: leave this screen; the run goes on", footer: ("q", "detach"), compactFooter: ("q", "detach"))),
        Row(label: "Ctrl-C", meaning: "same as q; a second Ctrl-C stops at once",
            bindings: [([.interrupt], .interrupt)], attached: Attached(meaning: "same as q: detach; the run goes on")),
    ]

    private static let table: [Key: DashboardCommand] = {
        var table: [Key: DashboardCommand] = [.resize: .redraw]
        for row in rows {
            for binding in row.bindings { for key in binding.keys { table[key] = binding.command } }
        }
        return table
    }()

    /// The command for `key`, or nil for keys that do nothing. While help is shown any key closes
    /// it; while a stop waits for its confirmation, y confirms and any other key cancels.
    static func command(for key: Key, showingHelp: Bool, confirmingStop: Bool = false) -> DashboardCommand? {
        if key == .interrupt { return .interrupt }
        if key == .resize { return .redraw }
        if confirmingStop { return key == .character("y") || key == .character("Y") ? .confirmStop : .cancelStop }
        if showingHelp { return .toggleHelp }
        return table[key]
    }

    /// The rows of the help overlay: key, then what it does (on an attached dashboard, what it does there).
    static func help(attached: Bool = false) -> [(String, String)] {
        rows.map { ($0.label, attached ? $0.attached?.meaning ?? $0.meaning : $0.meaning) }
    }

    /// The footer's keys and words, on a wide screen or a compact one, local or attached.
    static func footer(wide: Bool, attached: Bool = false) -> [(String, String)] {
        rows.compactMap { row in
            if attached, let other = row.attached { return wide ? other.footer : other.compactFooter }
            return wide ? row.footer : row.compactFooter
        }
    }

    /// The table as Markdown, for the docs: what each key does, and what it does when attached.
    public static var markdown: String {
        (["| key | action | attached (`fanout attach`) |", "|---|---|---|"] + rows.map { row in
            "| " + row.label.split(separator: " ").map { "`\($0)`" }.joined(separator: " ") + " | \(row.meaning) | \(row.attached?.meaning ?? "same") |"
        }).joined(separator: "\n")
    }
}
