import CNcurses
import Engine
import Foundation

/// The real terminal, through ncursesw: the only file that imports CNcurses.
///
/// `@unchecked Sendable` because ncurses is not thread-safe: every call happens under `lock`, so the
/// dashboard loop and a signal handler restoring the terminal can never interleave.
public final class Terminal: Screen, @unchecked Sendable {
    private let lock = NSLock()
    private let window: UnsafeMutablePointer<WINDOW>
    private var active = true
    private let colours: Bool
    private var attributes: [Style: attr_t] = [:]

    /// What a run or attach says when `Terminal()` is nil.
    public static var unknownTerminalNotice: String {
        "fanout: the terminal (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset")) is not one ncurses knows; progress lines instead of the dashboard"
    }

    /// Takes over the terminal: raw mode (Ctrl-C arrives as a key), no echo, hidden cursor, keypad keys.
    /// Colour when the terminal has it and `NO_COLOR` is not set. Nil when ncurses cannot drive it
    /// (a `TERM` it has no description of): the caller shows progress lines instead.
    public init?(colour: Bool = ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true) {
        setlocale(LC_ALL, "")
        // Before ncurses changes the modes: a crash later puts them back.
        CrashRestore.install(terminal: isatty(STDOUT_FILENO) != 0 ? STDOUT_FILENO : STDIN_FILENO)
        // With the input on stdin (`-`), keys come from the controlling terminal instead. newterm,
        // unlike initscr, returns nil for an unknown terminal instead of ending the process.
        let input = isatty(STDIN_FILENO) == 0 ? fopen("/dev/tty", "r") : fdopen(STDIN_FILENO, "r")
        guard let input, newterm(nil, fdopen(STDOUT_FILENO, "w"), input) != nil, let screen = fanout_stdscr() else { return nil }
        window = screen
        raw()
        noecho()
        keypad(window, true)
        nodelay(window, true)
        curs_set(0)
        colours = colour && has_colors()
        if colours {
            start_color()
            use_default_colors()
            init_pair(1, Int16(COLOR_GREEN), -1)
            init_pair(2, Int16(COLOR_YELLOW), -1)
            init_pair(3, Int16(COLOR_RED), -1)
            init_pair(4, Int16(COLOR_CYAN), -1)
            init_pair(5, Int16(COLOR_BLACK), Int16(COLOR_YELLOW))
            init_pair(6, Int16(COLOR_MAGENTA), -1)
            init_pair(7, Int16(COLOR_BLUE), -1)
        }
        for style in Style.allCases { attributes[style] = attribute(for: style) }
    }

    deinit { restore() }

    public var size: (width: Int, height: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (Int(fanout_width(window)), Int(fanout_height(window)))
    }

    public func draw(_ lines: [ScreenLine]) {
        lock.lock()
        defer { lock.unlock() }
        guard active else { return }
        werase(window)
        let width = Int(fanout_width(window))
        let height = Int(fanout_height(window))
        for (row, line) in lines.prefix(height).enumerated() {
            wmove(window, Int32(row), 0)
            var column = 0
            for span in line.spans where column < width {
                // Leave the bottom-right cell empty: writing it would scroll the screen.
                let room = row == height - 1 ? width - 1 - column : width - column
                guard room > 0 else { break }
                // A server's text or a name from a file must not act on the terminal.
                let safe = TerminalText.sanitized(span.text, keepsLayout: false)
                let text = safe.count > room ? String(safe.prefix(room)) : safe
                let attribute = attributes[span.style] ?? fanout_a_normal()
                fanout_attr_on(window, attribute)
                waddnstr(window, text, -1)
                fanout_attr_off(window, attribute)
                column += text.count
            }
        }
        wnoutrefresh(window)
        doupdate()
    }

    public func readKey() -> Key? {
        lock.lock()
        defer { lock.unlock() }
        guard active else { return nil }
        let code = wgetch(window)
        switch code {
        case ERR: return nil
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_RESIZE: return .resize
        case 3: return .interrupt
        case 32..<127: return .character(Character(Unicode.Scalar(UInt8(code))))
        default: return .other(code)
        }
    }

    /// Gives the terminal back to the shell; safe to call more than once and from a signal handler's queue.
    public func restore() {
        lock.lock()
        defer { lock.unlock() }
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
    }

    private func attribute(for style: Style) -> attr_t {
        let pair = { (number: Int32) -> attr_t in self.colours ? fanout_color_pair(number) : fanout_a_normal() }
        switch style {
        case .normal: return fanout_a_normal()
        case .bold, .title: return fanout_a_bold()
        case .dim: return fanout_a_dim()
        case .selected: return fanout_a_reverse()
        case .good: return pair(1)
        case .warning: return colours ? pair(2) : fanout_a_bold()
        case .bad: return colours ? pair(3) | fanout_a_bold() : fanout_a_bold()
        case .accent: return pair(4)
        case .banner: return colours ? pair(5) | fanout_a_bold() : fanout_a_reverse() | fanout_a_bold()
        case .series1: return pair(4)
        case .series2: return pair(6)
        case .series3: return pair(2)
        case .series4: return pair(1)
        case .series5: return pair(7)
        }
    }
}
