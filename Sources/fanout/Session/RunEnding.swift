import Engine

/// How a run ended, as far as the exit code cares, and the code it comes to.
///
/// When several apply, the first wins: 3 fatal I/O (2 for an input that changed since the save
/// file was written), 130/143 a signal, 6 sending stopped for money (`--max_cost`, or every
/// endpoint out of money), 4 unreachable endpoints, 5 a quit before the end, then 1 when any
/// record failed (in this run or an earlier one of the same files), else 0.
struct RunEnding: Sendable, Hashable {
    enum Fatal: Sendable, Hashable {
        /// The input's lines are not the ones the save file's records were made from.
        case inputChanged
        case io
    }

    var fatal: Fatal?
    /// The signal that stopped the run (SIGINT, SIGTERM), if one did.
    var signal: Int32?
    /// Sending stopped for money.
    var spendStop: SpendStop?
    /// No endpoint answered for `--unreachable_after`.
    var unreachable = false
    /// Records were left unsent (a quit, a stop, a drain timeout).
    var wasStopped = false
    /// Quitting is how the run is meant to end (the demo).
    var quitIsTheEnd = false
    /// The run was stopped by its own timer (`--duration`), not by the operator.
    var stoppedByTimer = false
    /// Failed records, this run's and those earlier runs of the same files wrote.
    var failed = 0

    /// The exit code, by the precedence above.
    var exit: RunExit {
        switch fatal {
        case .inputChanged: return .usage
        case .io: return .fatalIO
        case nil: break
        }
        if let signal { return RunExit(code: 128 + signal) }
        if spendStop != nil { return .spendCap }
        if unreachable { return .unreachable }
        if wasStopped && quitIsTheEnd { return .allSucceeded }
        if wasStopped && !stoppedByTimer { return .quitEarly }
        return failed > 0 ? .someFailed : .allSucceeded
    }
}

extension RunEnding {
    /// The ending of a finished engine run.
    init(_ result: RunResult, signal: Int32?, quitIsTheEnd: Bool, stoppedByTimer: Bool, failedBefore: Int) {
        fatal = result.fatalError.map { $0.isInputChanged ? .inputChanged : .io }
        self.signal = signal
        unreachable = result.unreachable != nil
        spendStop = result.snapshot.control.spend.stop
        wasStopped = result.wasStopped
        self.quitIsTheEnd = quitIsTheEnd
        self.stoppedByTimer = stoppedByTimer
        failed = result.snapshot.failed + failedBefore
    }
}
