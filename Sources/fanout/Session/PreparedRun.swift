import Engine

/// A run ready to go: its input open, its outputs claimed, resume applied, the log open and the
/// engine built. Made by `RunSession.prepare()`; `release()` gives the files back at the end.
struct PreparedRun {
    /// The plan, with the records earlier runs finished (`configuration.finished`).
    let plan: RunPlan
    let engine: Engine
    /// Failures earlier runs of the same files wrote: they count toward the exit code.
    let failedBefore: Int
    private let claims: OutputClaims
    private let logOutput: LogOutput?

    init(plan: RunPlan, engine: Engine, failedBefore: Int, claims: OutputClaims, logOutput: LogOutput?) {
        self.plan = plan
        self.engine = engine
        self.failedBefore = failedBefore
        self.claims = claims
        self.logOutput = logOutput
    }

    /// Closes the log and releases the output locks.
    func release() {
        logOutput?.close()
        claims.release()
    }
}
