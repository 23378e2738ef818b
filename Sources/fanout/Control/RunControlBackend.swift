import Engine
import Synchronization

/// The control endpoint's view of this process's run: the engine's snapshot with who and where,
/// and commands applied through `Engine.perform`, marked as coming from a control client.
final class RunControlBackend: ControlBackend {
    private let engine: Engine
    private let total: TotalLines
    private let context: Mutex<StatusDocument.Context>

    init(engine: Engine, total: TotalLines, context: StatusDocument.Context) {
        self.engine = engine
        self.total = total
        self.context = Mutex(context)
    }

    func status() async -> StatusDocument {
        let snapshot = await engine.snapshot()
        var context = self.context.withLock { $0 }
        context.total = total.current
        return StatusDocument(snapshot, context: context)
    }

    func perform(_ command: EngineCommand) async {
        await engine.perform(command, from: .control)
    }

    func setRunInfo(_ info: StatusDocument.RunInfo) {
        context.withLock { $0.run = info }
    }

    /// The run's exit code, once the engine has ended.
    func setExitCode(_ code: Int32) {
        context.withLock { $0.exitCode = code }
    }
}
