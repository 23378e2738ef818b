import Synchronization

/// The terminal as the dashboard loop uses it: a size, a frame to draw, keys to read.
public protocol Screen: AnyObject, Sendable {
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Replaces the whole screen with `lines` in one update (no flicker).
    func draw(_ lines: [ScreenLine])
    /// The next key pressed, or nil when none is waiting; never blocks.
    func readKey() -> Key?
}

/// A screen in memory for tests: records frames, replays keys pressed from any task.
final class RecordingScreen: Screen {
    private struct State {
        var frames: [[ScreenLine]] = []
        var keys: [Key] = []
    }

    let size: (width: Int, height: Int)
    private let state = Mutex(State())

    init(width: Int, height: Int) {
        size = (width, height)
    }

    func draw(_ lines: [ScreenLine]) { state.withLock { $0.frames.append(lines) } }

    func readKey() -> Key? { state.withLock { $0.keys.isEmpty ? nil : $0.keys.removeFirst() } }

    func press(_ key: Key) { state.withLock { $0.keys.append(key) } }

    var frames: [[ScreenLine]] { state.withLock { $0.frames } }

    /// The last frame as plain text, one line per row.
    var lastText: String { (frames.last ?? []).map(\.text).joined(separator: "\n") }
}
