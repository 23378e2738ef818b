import Foundation
import Synchronization

/// A screen that notes the time of every frame it draws in a file, then draws it on the real one:
/// `FANOUT_FRAME_LOG=PATH fanout attach …` measures the redraw rate (bench/fleet.py).
public final class FrameLog: Screen {
    private let screen: any Screen
    private let file: Mutex<FileHandle>

    /// Nil when `path` cannot be created.
    public init?(wrapping screen: any Screen, path: String) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else { return nil }
        self.screen = screen
        file = Mutex(handle)
    }

    public var size: (width: Int, height: Int) { screen.size }

    public func draw(_ lines: [ScreenLine]) {
        screen.draw(lines)
        let line = String(format: "%.3f\n", Date().timeIntervalSince1970)
        file.withLock { $0.write(Data(line.utf8)) }
    }

    public func readKey() -> Key? { screen.readKey() }
}
