/// A status read from another process held to sane bounds before anything adds or draws it.
///
/// A status that parses can still say anything: counts of 2^63−1, rates of 1e308, NaN. Every count
/// is held to 0…`maxCount` (10^15: a thousand shards at the bound still sum within `Int`), every
/// figure to a finite range, every list to a length a screen can use, so no figure from outside
/// can trap an addition or a conversion. `clamped` says whether anything had to be held: such a
/// shard is shown as suspect.
extension StatusDocument {
    public static let maxCount = 1_000_000_000_000_000
    static let maxFigure = 1e15
    static let maxListLength = 1_000

    /// This document within bounds, and whether anything was out of them.
    public func bounded() -> (document: StatusDocument, clamped: Bool) {
        var bounds = Bounds()
        var document = self
        bounds.hold(&document)
        return (document, bounds.clamped)
    }
}

/// Holds figures in range and remembers whether any was not.
private struct Bounds {
    var clamped = false

    mutating func count(_ value: inout Int) {
        let held = min(max(0, value), StatusDocument.maxCount)
        if held != value { clamped = true; value = held }
    }

    mutating func count(_ value: inout Int?) {
        guard var inner = value else { return }
        count(&inner)
        value = inner
    }

    mutating func figure(_ value: inout Double, _ range: ClosedRange<Double> = -StatusDocument.maxFigure...StatusDocument.maxFigure) {
        let held = value.isNaN ? 0 : min(max(range.lowerBound, value), range.upperBound)
        if held != value || value.isNaN { clamped = true; value = held }
    }

    mutating func figure(_ value: inout Double?, _ range: ClosedRange<Double> = -StatusDocument.maxFigure...StatusDocument.maxFigure) {
        guard var inner = value else { return }
        figure(&inner, range)
        value = inner
    }

    mutating func list<Element>(_ value: inout [Element], _ limit: Int = StatusDocument.maxListLength) {
        if value.count > limit { clamped = true; value = Array(value.suffix(limit)) }
    }

    mutating func series(_ value: inout [Double]) {
        list(&value)
        for index in value.indices { figure(&value[index], 0...StatusDocument.maxFigure) }
    }

    mutating func hold(_ document: inout StatusDocument) {
        let positive = 0...StatusDocument.maxFigure
        figure(&document.startedAt, 0...1e12)
        figure(&document.elapsedS, 0...1e12)
        for path in [\StatusDocument.Records.read, \.saved, \.failed, \.inFlight, \.badLines, \.resumed, \.sent, \.retries, \.resends,
                     \.pendingRetries] { count(&document.records[keyPath: path]) }
        count(&document.records.total)
        count(&document.run.inputBytes)
        count(&document.run.inputBytesRead)
        figure(&document.rateLimit, positive)
        figure(&document.tokensPerMinute, positive)
        count(&document.maxInFlight)
        figure(&document.sentPerS, positive)
        figure(&document.finishedPerS, positive)
        series(&document.sentHistory)
        list(&document.errorsByKind, 64)
        for index in document.errorsByKind.indices { count(&document.errorsByKind[index].count) }
        list(&document.recentErrors, 100)
        for index in document.recentErrors.indices {
            figure(&document.recentErrors[index].atS, 0...1e12)
            if var note = document.recentErrors[index].note {
                count(&note.attempt)
                count(&note.of)
                count(&note.sends)
                figure(&note.seconds, positive)
                document.recentErrors[index].note = note
            }
        }
        hold(&document.tokens)
        if var cost = document.cost {
            for path in [\StatusDocument.Cost.spentUsd, \.spentBeforeUsd, \.reservedUsd, \.perMinuteUsd] { figure(&cost[keyPath: path], positive) }
            figure(&cost.projectedUsd, positive)
            figure(&cost.capUsd, positive)
            list(&cost.alerts, 8)
            document.cost = cost
        }
        if var client = document.client {
            figure(&client.cpuPercent, 0...100)
            figure(&client.loopLagMsP99, positive)
            document.client = client
        }
        list(&document.endpoints, 10_000)
        for index in document.endpoints.indices { hold(&document.endpoints[index]) }
    }

    mutating func hold(_ endpoint: inout StatusDocument.Endpoint) {
        let positive = 0...StatusDocument.maxFigure
        figure(&endpoint.weight, positive)
        figure(&endpoint.initialWeight, positive)
        figure(&endpoint.statusS, positive)
        count(&endpoint.inFlight)
        count(&endpoint.cap)
        figure(&endpoint.rateLimit, positive)
        figure(&endpoint.baselineLatencyMs, positive)
        for path in [\StatusDocument.Endpoint.sent, \.ok, \.errors, \.retries, \.resends, \.failedRecords] { count(&endpoint[keyPath: path]) }
        figure(&endpoint.costUsd, positive)
        figure(&endpoint.targetShare, 0...1)
        figure(&endpoint.actualShare, 0...1)
        for path in [\StatusDocument.Endpoint.p50Ms, \.p90Ms, \.p99Ms] { figure(&endpoint[keyPath: path], positive) }
        hold(&endpoint.latencyHistogram)
        hold(&endpoint.tokens)
        if var server = endpoint.server {
            figure(&server.running, 0...ServerMetricNames.maxRequests)
            figure(&server.waiting, 0...ServerMetricNames.maxRequests)
            figure(&server.kvCacheUsage, 0...1)
            figure(&server.scrapedAt, 0...1e12)
            endpoint.server = server
        }
        if var batches = endpoint.batches {
            // The screen shows a few; a status listing thousands is not believed past the first hundred.
            if batches.count > 100 { batches = Array(batches.prefix(100)) }
            for index in batches.indices {
                count(&batches[index].total)
                count(&batches[index].completed)
                count(&batches[index].failed)
                figure(&batches[index].createdAt, 0...1e12)
                figure(&batches[index].expiresAt, 0...1e12)
                batches[index].id = String(batches[index].id.prefix(128))
                batches[index].status = String(batches[index].status.prefix(32))
            }
            endpoint.batches = batches
        }
        if var limits = endpoint.providerLimits {
            count(&limits.limitRequests)
            count(&limits.remainingRequests)
            count(&limits.remainingTokens)
            figure(&limits.resetRequestsS, positive)
            figure(&limits.resetTokensS, positive)
            endpoint.providerLimits = limits
        }
    }

    mutating func hold(_ tokens: inout StatusDocument.Tokens) {
        let positive = 0...StatusDocument.maxFigure
        for path in [\StatusDocument.Tokens.answers, \.streamed, \.good, \.prompt, \.completion] { count(&tokens[keyPath: path]) }
        figure(&tokens.outputPerS, positive)
        figure(&tokens.goodPerS, positive)
        for path in [\StatusDocument.Tokens.ttft, \.itl, \.tpot] {
            figure(&tokens[keyPath: path].p50Ms, positive)
            figure(&tokens[keyPath: path].p90Ms, positive)
            figure(&tokens[keyPath: path].p99Ms, positive)
        }
        hold(&tokens.ttftHistogram)
        series(&tokens.answerHistory)
        series(&tokens.tokenHistory)
    }

    mutating func hold(_ histogram: inout StatusDocument.Histogram) {
        list(&histogram.counts, 1_024)
        count(&histogram.total)
        for index in histogram.counts.indices { count(&histogram.counts[index]) }
    }
}
