extension StatusDocument.Endpoint {
    init(_ endpoint: EndpointSnapshot) {
        let limits = endpoint.limits
        name = endpoint.name
        url = endpoint.url
        weight = endpoint.weight
        initialWeight = endpoint.initialWeight
        let words = Self.words(endpoint.state)
        status = words.0
        failing = endpoint.isFailing
        inFlight = endpoint.inFlight
        capAuto = limits.capIsAuto
        headersDistrusted = limits.headersDistrusted
        sent = endpoint.sent
        ok = endpoint.succeeded
        errors = endpoint.errors
        retries = endpoint.retries
        resends = endpoint.resends
        failedRecords = endpoint.failedRecords
        targetShare = endpoint.targetShare
        actualShare = endpoint.actualShare
        latencyHistogram = .init(endpoint.latencyDistribution)
        tokens = .init(endpoint.tokens)
        // Optional fields go last: they are set through their wrappers once the rest is in place.
        statusS = words.1
        coolingReason = words.2
        cap = limits.inFlightCap
        rateLimit = limits.rate
        rateSource = limits.rateSource?.rawValue
        baselineLatencyMs = limits.baselineLatency.map { $0 * 1000 }
        providerLimits = endpoint.providerLimits.map {
            StatusDocument.ProviderLimits(limitRequests: $0.limitRequests, remainingRequests: $0.remainingRequests,
                                          remainingTokens: $0.remainingTokens, resetRequestsS: $0.resetRequests, resetTokensS: $0.resetTokens)
        }
        costUsd = endpoint.control.spent
        reusesConnections = endpoint.control.reusesConnections
        server = endpoint.control.server.map(StatusDocument.Server.init)
        batches = endpoint.control.batches.map(StatusDocument.Batch.init)
        route = endpoint.control.isBatchRoute ? "batch" : "realtime"
        p50Ms = endpoint.p50.map { $0 * 1000 }
        p90Ms = endpoint.p90.map { $0 * 1000 }
        p99Ms = endpoint.p99.map { $0 * 1000 }
        lastError = endpoint.lastError
    }

    private static func words(_ status: EndpointStatus) -> (String, Double?, String?) {
        switch status {
        case .ready: ("ready", nil, nil)
        case .cooling(let seconds, let reason): ("cooling", seconds, reason.rawValue)
        case .ejected(let seconds): ("ejected", seconds, nil)
        case .probing: ("probing", nil, nil)
        case .drained: ("drained", nil, nil)
        case .outOfFunds: ("out_of_funds", nil, nil)
        }
    }

    var endpointStatus: EndpointStatus {
        switch status {
        case "cooling": .cooling(seconds: statusS ?? 0, reason: coolingReason.flatMap(EndpointStatus.CoolingReason.init) ?? .tooManyRequests)
        case "ejected": .ejected(seconds: statusS ?? 0)
        case "probing": .probing
        case "drained": .drained
        case "out_of_funds": .outOfFunds
        default: .ready
        }
    }

    var snapshot: EndpointSnapshot {
        var control = EndpointControl(weight: weight, inFlight: inFlight, status: endpointStatus)
        control.isFailing = failing
        control.providerLimits = providerLimits.map {
            ProviderRateLimits(limitRequests: $0.limitRequests, remainingRequests: $0.remainingRequests, remainingTokens: $0.remainingTokens,
                               resetRequests: $0.resetRequestsS, resetTokens: $0.resetTokensS)
        }
        control.limits.rate = rateLimit
        control.limits.rateSource = rateSource.flatMap(LearnedRate.Source.init)
        control.limits.inFlightCap = cap
        control.limits.capIsAuto = capAuto
        control.limits.baselineLatency = baselineLatencyMs.map { $0 / 1000 }
        control.limits.headersDistrusted = headersDistrusted
        control.spent = costUsd ?? 0
        control.reusesConnections = reusesConnections ?? true
        control.server = server?.load
        control.batches = (batches ?? []).map(\.view)
        control.isBatchRoute = route == "batch"
        var endpoint = EndpointSnapshot(name: name, url: url, initialWeight: initialWeight, control: control)
        endpoint.sent = sent
        endpoint.succeeded = ok
        endpoint.errors = errors
        endpoint.retries = retries
        endpoint.resends = resends
        endpoint.failedRecords = failedRecords
        endpoint.targetShare = targetShare
        endpoint.actualShare = actualShare
        endpoint.p50 = p50Ms.map { $0 / 1000 }
        endpoint.p90 = p90Ms.map { $0 / 1000 }
        endpoint.p99 = p99Ms.map { $0 / 1000 }
        endpoint.lastError = lastError
        endpoint.latencyDistribution = latencyHistogram.distribution
        endpoint.tokens = tokens.figures
        return endpoint
    }
}
