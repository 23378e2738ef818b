import ArgumentParser
import Engine
import Foundation

/// `fanout validate`: a dry run. Reads and checks every line as a run would, sends nothing.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a JSONL file and estimate tokens and time under the limits; sends nothing.",
        discussion: """
            Takes the same options as run (put validate before them), reads every line as the run would \
            and reports records, bad lines and duplicate ids with their line numbers, the estimated tokens \
            (prompt characters / 4 + max_tokens) and the least time the configured limits and weights allow. \
            Exit codes: 0 every line can be sent; 1 some lines would go to the errors file; 2 usage error.
            """)

    @OptionGroup var options: RunOptions

    func run() async throws {
        let plan = try options.makePlan(environment: ProcessInfo.processInfo.environment)
        let source: JSONLFileSource
        do {
            source = try JSONLFileSource(path: plan.inputPath, defaults: plan.defaults)
        } catch {
            Console.error("fanout: \(error)")
            throw RunExit.fatalIO
        }
        var survey = InputSurvey(shard: plan.configuration.shard, dialects: plan.configuration.endpoints.map(\.dialect))
        survey.cost = CostEstimate(plan.configuration.cost, endpoints: plan.configuration.endpoints)
        do {
            while true {
                let items = try await source.next(max: 4096)
                if items.isEmpty { break }
                items.forEach { survey.add($0) }
            }
        } catch {
            Console.error("fanout: \(error)")
            throw RunExit.fatalIO
        }
        Console.out(Self.report(survey, plan: plan, now: Date()).joined(separator: "\n"))
        let unpricedUnderCap = plan.configuration.cost.cap != nil && !(survey.cost?.unpriced.isEmpty ?? true)
        throw survey.refused > 0 || unpricedUnderCap ? RunExit.someFailed : RunExit.allSucceeded
    }

    /// The estimate in dollars, as a range, and what it leaves out.
    static func costLines(_ cost: CostEstimate, seconds: Double?, cap: Double?) -> [String] {
        var lines: [String] = []
        let hourly = cost.hourly > 0 ? seconds.map { cost.hourly * $0 / 3600 } : 0
        if cost.priced > 0 || cost.hourly > 0 {
            let (low, high) = (cost.low + (hourly ?? 0), cost.high + (hourly ?? 0))
            var text = "  estimated cost: \(Money.text(low)) to \(Money.text(high)) (prompt characters / 4 × input price, up to the worst case --max_cost reserves: the prompt's bytes + max_tokens × output price"
            if cost.hourly > 0 { text += hourly == nil ? "; plus $\(Format.fixed(cost.hourly, digits: 2))/h of cost_per_hour endpoints for the run's time" : "; cost_per_hour endpoints over the estimated time" }
            lines.append(text + ")")
            if let cap {
                lines.append(high <= cap ? "  --max_cost \(Money.text(cap)): the whole file fits under the cap even at max_tokens"
                    : low > cap ? "  --max_cost \(Money.text(cap)): below even the prompts' cost, so the cap will stop the run (exit 6) before the end"
                    : "  --max_cost \(Money.text(cap)): within the range, so the cap may stop the run (exit 6) before the end")
            }
        }
        if !cost.unpriced.isEmpty {
            let models = cost.unpriced.sorted { $0.value > $1.value }.prefix(5).map { "\($0.key.isEmpty ? "(no model named)" : $0.key) \(Format.count($0.value))" }
            lines.append("  no known price for \(Format.count(cost.unpriced.values.reduce(0, +))) records (\(models.joined(separator: ", "))): "
                + (cap == nil ? "not in the estimate; give prices with --prices" : "under --max_cost they would go to the errors file; give prices with --prices"))
        }
        return lines
    }

    /// The report's lines: counts, examples of what would be refused, tokens and time (and the clock
    /// time a run started at `now` would end at the earliest).
    static func report(_ survey: InputSurvey, plan: RunPlan, now: Date) -> [String] {
        let configuration = plan.configuration
        var lines = ["fanout validate: \(plan.inputPath) — nothing was sent"]
        var counts = "  \(Format.count(survey.records)) records to send"
        counts += ", \(Format.count(survey.badLines)) bad line\(survey.badLines == 1 ? "" : "s")"
        counts += ", \(Format.count(survey.duplicates)) duplicate id\(survey.duplicates == 1 ? "" : "s")"
        if survey.untranslatable > 0 { counts += ", \(Format.count(survey.untranslatable)) that no endpoint's API can take" }
        if survey.otherShard > 0, let shard = configuration.shard {
            counts += "; \(Format.count(survey.otherShard)) lines belong to other shards than \(shard)"
        }
        lines.append(counts)
        let forms: [(RequestRecord.Form, String)] = [(.seed, "seed {\"input\"}"), (.chat, "chat {\"messages\"}"), (.batch, "Batch API"), (.messageBatch, "Anthropic Message Batches")]
        let shapes = forms.compactMap { form, name in survey.forms[form].map { "\(Format.count($0)) \(name)" } }
        if !shapes.isEmpty {
            lines.append("  shapes: " + shapes.joined(separator: ", ")
                + "; ids: \(Format.count(survey.namedIDs)) from custom_id/id, \(Format.count(survey.records - survey.namedIDs)) from line numbers")
        }
        lines.append("  estimated tokens: \(Format.count(survey.estimatedTokens)) (prompt characters / 4 + max_tokens)")
        let estimate = FinishEstimate(records: survey.records, tokens: survey.estimatedTokens, configuration: configuration)
        if let seconds = estimate.seconds, let bound = estimate.bound {
            lines.append("  estimated time: at least \(Format.duration(seconds)), bound by \(bound) (retries and slow answers add to it)")
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
            lines.append("  started now, it would finish \(formatter.string(from: now.addingTimeInterval(seconds))) at the earliest")
        } else {
            lines.append("  estimated time: no rate or token limit is set, so the endpoints' speed decides")
        }
        lines.append("  endpoints: " + configuration.endpoints.map { endpoint in
            var text = "\(endpoint.name)\(endpoint.batch != nil ? " (batch route: answered within 24h at the batch price)" : "") weight \(Format.weight(endpoint.weight))"
            if let rps = endpoint.requestsPerSecond { text += ", \(Format.rate(rps)) req/s" }
            if let tpm = endpoint.tokensPerMinute { text += ", \(Format.count(Int(saturating: tpm))) tpm" }
            return text
        }.joined(separator: "; "))
        if let cost = survey.cost { lines += costLines(cost, seconds: estimate.seconds, cap: configuration.cost.cap) }
        for route in plan.routeLines { lines.append("  route: \(route)") }
        for warning in plan.warnings { lines.append("  warning: \(warning)") }
        if !survey.examples.isEmpty {
            lines.append("  would go to the errors file\(survey.refused > survey.examples.count ? " (first \(survey.examples.count))" : ""):")
            for bad in survey.examples {
                lines.append("    line \(bad.line): \(bad.reason.hasPrefix("duplicate") ? bad.reason : "id \(bad.id): \(bad.reason)")")
            }
        }
        return lines
    }
}
