import Engine
import Foundation

extension RunSession {
    /// Opens the input, claims the outputs, checks they belong to this input, applies resume, opens
    /// the log and builds the engine, saying each step on stderr; the exit code when one fails.
    func prepare() async -> Result<PreparedRun, RunExit> {
        for warning in plan.warnings { Console.error("fanout: warning: \(warning)") }
        for line in plan.routeLines { Console.error("fanout: route: \(line)") }
        // The fleet store comes first: one the user asked for and cannot have stops the run before any file is touched.
        let fleetStore: (any FleetStore)?
        switch await plan.connectFleetStore() {
        case .success(let store): fleetStore = store
        case .failure(let refusal):
            Console.error("fanout: \(refusal.sentence).")
            return .failure(.usage)
        }
        if let store = plan.configuration.fleetStore {
            Console.error("fanout: fleet store \(store.address.display), fleet \(store.fleet)")
        }
        let source: any RequestSource
        let claims: OutputClaims
        switch await openInputAndClaimOutputs() {
        case .success(let opened): (source, claims) = opened
        case .failure(let exit): return .failure(exit)
        }
        if let exit = ownershipConflict() {
            claims.release()
            return .failure(exit)
        }
        do {
            let index = try resume()
            var plan = self.plan
            plan.configuration.finished = index.finished
            plan.configuration.cost.spentBefore = Self.recordedSpend(index, plan: plan)
            try Self.openJournal(index, plan: &plan)
            try Self.openBatchJournal(plan: &plan)
            let log = try plan.makeLog(withDashboard: display.usesDashboard)
            if let log { plan.configuration.logger = log.logger }
            do {
                let engine = try plan.makeEngine(source: source, fleetStore: fleetStore)
                return .success(PreparedRun(plan: plan, engine: engine, failedBefore: index.failedBefore, claims: claims, logOutput: log?.output))
            } catch {
                log?.output.close()
                throw error
            }
        } catch {
            claims.release()
            Console.error("fanout: \(error)")
            return .failure(.fatalIO)
        }
    }

    /// Opens the input and claims the outputs, in that order: an input that is not JSONL at all
    /// stops before any file is touched, and the claims come before any resume scan or torn-line
    /// repair (one run per file set). Says why on stderr when it cannot.
    private func openInputAndClaimOutputs() async -> Result<(any RequestSource, OutputClaims), RunExit> {
        let source: any RequestSource
        do {
            source = try plan.makeSource()
            if let file = source as? JSONLFileSource, let problem = try await file.formatProblem() {
                Console.error("fanout: --requests_filepath \(plan.inputPath == "-" ? "(stdin)" : plan.inputPath): \(problem); nothing was sent or written")
                return .failure(.usage)
            }
        } catch {
            Console.error("fanout: \(error)")
            return .failure(.fatalIO)
        }
        switch OutputClaims.claim(plan.claimedOutputs) {
        case .claimed(let claims, let warnings):
            for warning in warnings { Console.error("fanout: warning: \(warning)") }
            return .success((source, claims))
        case .busy(let sentence):
            Console.error("fanout: \(sentence)")
            return .failure(.usage)
        case .failed(let error):
            Console.error("fanout: \(error)")
            return .failure(.fatalIO)
        }
    }

    /// Exit 2, said, when the save or errors file records another input as its owner.
    private func ownershipConflict() -> RunExit? {
        for (option, path) in [("--save_filepath", plan.savePath), ("--errors_filepath", plan.errorsPath)] {
            if let other = OutputOwner.conflict(at: path, for: plan.owner) {
                Console.error("fanout: \(path) holds the records of another input (\(other.input)), not of \(plan.inputPath); "
                    + "\(plan.restart ? "--restart would empty it" : "resuming from it would skip the wrong records"). "
                    + "Give this input its own \(option), or delete \(OutputOwner.sidecarPath(for: path)) if the file really belongs to it.")
                return .usage
            }
        }
        return nil
    }

    /// What the files already record as spent, said on stderr when it is anything.
    private static func recordedSpend(_ index: ResumeIndex, plan: RunPlan) -> Double {
        let cost = plan.configuration.cost
        let (spent, unpriced) = index.spent(prices: cost.prices, endpoints: plan.configuration.endpoints)
        if spent > 0 {
            Console.error("fanout: the save and errors files record \(Money.text(spent)) already spent"
                + (cost.cap.map { $0 > 0 ? " (counted against the \(Money.text($0)) cap)" : " (counted against --max_cost)" } ?? ""))
        }
        if !unpriced.isEmpty {
            Console.error("fanout: warning: recorded answers of \(unpriced.joined(separator: ", ")) have no known price, so their spend is not counted; give it with --prices")
        }
        return spent
    }

    /// Under a cap: counts what an earlier run reserved for records its files do not show (it was
    /// killed with them in flight) as spent, keeps only those reservations, and opens the journal
    /// this run writes its own to. `--restart` starts it empty.
    private static func openJournal(_ index: ResumeIndex, plan: inout RunPlan) throws {
        guard plan.configuration.cost.cap != nil, !plan.isSpecialFile(plan.savePath) else { return }
        let path = SpendJournal.path(for: plan.savePath)
        if plan.restart { unlink(path) }
        let done = index.done
        let (dollars, lines) = SpendJournal.unsettled(at: path) { done.contains($0) }
        if dollars > 0 {
            Console.error("fanout: an earlier run had \(Money.text(dollars)) reserved for requests in flight when it stopped, "
                + "whose answers were never recorded: counted as spent against the cap")
            plan.configuration.cost.spentBefore += dollars
        }
        try SpendJournal.compact(at: path, keeping: lines)
        plan.configuration.cost.journal = try SpendJournal(path: path)
    }

    /// With batch routes: finds the batches an earlier run left open (`--restart` forgets them) and
    /// opens the journal this run writes its own to. An open batch of an endpoint this run does not
    /// have stops the run: its records would otherwise be sent twice.
    static func openBatchJournal(plan: inout RunPlan) throws {
        guard plan.configuration.endpoints.contains(where: { $0.batch != nil }), !plan.isSpecialFile(plan.savePath) else { return }
        let path = BatchJournal.path(for: plan.savePath)
        if plan.restart { unlink(path) }
        let entries = BatchJournal.unfinished(at: path)
        let names = plan.configuration.endpoints.map(\.name)
        for entry in entries {
            guard let index = names.firstIndex(of: entry.endpoint), plan.configuration.endpoints[index].batch != nil else {
                throw EngineError.configuration("an earlier run left batch \(entry.batchID ?? entry.key) open on batch route \(entry.endpoint), "
                    + "which this run does not have: give that endpoint again so its results are collected, or --restart to start over")
            }
            plan.configuration.batchRecovery.append((entry, index))
        }
        if !entries.isEmpty {
            let records = entries.reduce(0) { $0 + $1.lines.count }
            Console.error("fanout: resuming \(entries.count) batch\(entries.count == 1 ? "" : "es") an earlier run left open (\(Format.count(records)) records): "
                + "their results are collected, their records not sent again")
        }
        try BatchJournal.compact(at: path, keeping: entries)
        plan.configuration.batchJournal = try BatchJournal(path: path)
    }

    /// Scans (or, with `--restart`, empties) the outputs, records their owner beside them, and says
    /// what a resumed run skips and where failures go.
    private func resume() throws -> ResumeIndex {
        let index = try ResumeIndex.prepare(savePath: plan.savePath, errorsPath: plan.errorsPath, restart: plan.restart)
        for (path, isSave) in [(plan.savePath, true), (plan.errorsPath, false)] where !plan.isSpecialFile(path) {
            do {
                try plan.owner.record(beside: path, isSave: isSave)
            } catch {
                Console.error("fanout: warning: \(error); the run goes on, but a later run cannot tell which input this file belongs to")
            }
        }
        if index.lines > 0 || index.tornLines > 0 {
            Console.error("fanout: resuming: \(Format.count(index.lines)) records already in \(plan.savePath) and \(plan.errorsPath)"
                + (index.tornLines > 0 ? " (a torn last line, from a crash, was removed and is sent again)" : "")
                + "; --restart starts over")
        }
        if plan.errorsPathIsDefault { Console.error("fanout: failed records go to \(plan.errorsPath) (--errors_filepath to choose)") }
        return index
    }
}
