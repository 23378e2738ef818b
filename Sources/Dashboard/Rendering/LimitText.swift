import Engine

/// The limits in force at an endpoint, in words: `118/min learned · conc 48 auto`.
public enum LimitText {
    /// The wide form; nil when the endpoint has no limit of its own.
    static func wide(_ limits: EndpointLimits) -> String? {
        let parts = [limits.rate.map { rate($0) + " " + source(limits.rateSource) }, capText(limits, count: Format.count),
                     limits.headersDistrusted ? "remaining distrusted" : nil]
        let text = parts.compactMap { $0 }.joined(separator: " · ")
        return text.isEmpty ? nil : text
    }

    /// `conc 48 auto`, `conc 40`; nil without a cap.
    static func capText(_ limits: EndpointLimits, count: (Int) -> String) -> String? {
        limits.inFlightCap.map { "conc \(count($0))" + (limits.capIsAuto ? " auto" : "") }
    }

    /// `118/m` below 10 per second, else `250/s`.
    static func shortRate(_ perSecond: Double) -> String { rate(perSecond).replacingOccurrences(of: "/min", with: "/m") }

    /// The Limit column (at most 15 characters): `118/min learned`, `conc 48 auto`, or both as `118/m c48 auto`.
    static func column(_ limits: EndpointLimits) -> String? {
        switch (limits.rate, limits.inFlightCap) {
        case (nil, nil): return limits.headersDistrusted ? "remaining ✗" : nil
        case (let perSecond?, nil) where limits.headersDistrusted: return shortRate(perSecond) + " rem ✗"
        case (let perSecond?, nil): return rate(perSecond) + " " + source(limits.rateSource)
        case (nil, _?): return capText(limits, count: short)
        case (let perSecond?, let cap?): return shortRate(perSecond) + " c\(short(cap))" + (limits.capIsAuto ? " auto" : "")
        }
    }

    /// `48`, `1.2k`, `10k`.
    static func short(_ count: Int) -> String {
        if count < 1000 { return String(count) }
        let thousands = Double(count) / 1000
        return (thousands < 10 ? Format.fixed(thousands, digits: 1) : String(Int(saturating: thousands.rounded()))) + "k"
    }

    /// The compact form: `118/m c48`.
    static func narrow(_ limits: EndpointLimits) -> String? {
        let parts = [limits.rate.map(shortRate),
                     limits.inFlightCap.map { "c\(short($0))" }]
        let text = parts.compactMap { $0 }.joined(separator: " ")
        return text.isEmpty ? nil : text
    }

    /// `118/min` below 10 per second (where a per-minute figure reads better), else `250/s`.
    static func rate(_ perSecond: Double) -> String {
        perSecond < 10 ? "\(Format.count(Int(saturating: (perSecond * 60).rounded())))/min" : "\(Format.rate(perSecond))/s"
    }

    static func source(_ source: LearnedRate.Source?) -> String {
        switch source {
        case .learned: "learned"
        case .headers: "headers"
        case .configured, nil: "set"
        }
    }

    /// What progress lines add about endpoints with learned or automatic limits:
    /// `limits: gpu-a 118/min learned, gpu-b conc 48 auto`; nil when none has one.
    public static func progress(_ endpoints: [EndpointSnapshot]) -> String? {
        let named = endpoints.compactMap { endpoint -> String? in
            let limits = endpoint.limits
            guard limits.capIsAuto || limits.headersDistrusted || (limits.rateSource.map { $0 != .configured } ?? false),
                  let text = wide(limits) else { return nil }
            return "\(endpoint.name) \(text)"
        }
        return named.isEmpty ? nil : "limits: " + named.joined(separator: ", ")
    }
}
