import Engine

/// Draws the dashboard as text: snapshot + view state + size → one styled line per screen row.
///
/// Pure and deterministic, so every layout is tested as text. Two layouts: the full one from 100
/// columns up, a compact one down to 80×24. Endpoint rows get the space first; when they do not all
/// fit, the list scrolls to keep the selected row visible and says how many are hidden.
enum DashboardLayout {
    static let wideFrom = 100

    static func render(_ snapshot: StatsSnapshot, view: ViewState, width: Int, height: Int, context: RenderContext) -> [ScreenLine] {
        guard width >= 20, height >= 6 else { return [ScreenLine("fanout: terminal too small")] }
        let wide = width >= wideFrom
        var top: [ScreenLine] = [header(snapshot, width: width, context: context, wide: wide),
                                 progress(snapshot, width: width, context: context)]
        if wide { top.append(notice(snapshot, width: width, context: context)) }
        top += throughput(snapshot, width: width, wide: wide, metricsPort: context.metricsPort)
        if wide, let cost = SpendText.line(snapshot, total: context.totalLines) { top.append(cost) }
        if wide, let batches = BatchPanel.summary(snapshot) { top.append(batches) }
        if let fleet = FleetStoreLine.line(snapshot) { top.append(fleet) }
        top.append(ScreenLine())
        top.append(EndpointTable.header(width: width, wide: wide, shape: EndpointTable.Shape(snapshot)))

        let footerLine = footer(snapshot, view: view, width: width, height: height, wide: wide, context: context)
        var errors = ErrorPanel.render(snapshot, width: width, wide: wide)
        let room = height - top.count - 1
        let wanted = snapshot.endpoints.count
        var rows = min(wanted, max(0, room - errors.count - 1))
        if rows < min(wanted, 3) {
            // Endpoints come first: shrink the error panel down to nothing if it must.
            rows = min(wanted, max(0, room - 1))
            let left = max(0, room - rows - 1)
            errors = Array(errors.prefix(left))
        }
        var lines = top + EndpointTable.rows(snapshot, selected: view.selected, capacity: rows, width: width, wide: wide)
        let errorLines = errors.isEmpty ? 0 : errors.count + 1
        // A fleet: its shards under the merged endpoints, before the charts take what is left.
        let shardLines = ShardTable.render(context.shards, width: width, capacity: min(context.shards.count + 1, max(0, room - rows - errorLines - 2)))
        if !shardLines.isEmpty { lines += [ScreenLine()] + shardLines }
        if width >= ChartPanel.minimumWidth, height >= ChartPanel.minimumHeight {
            let left = room - rows - errorLines - (shardLines.isEmpty ? 0 : shardLines.count + 1) - 1
            let charts = ChartPanel.render(snapshot, selected: view.selected, width: width, lines: min(ChartPanel.maximumLines, left))
            if !charts.isEmpty { lines += [ScreenLine()] + charts }
        }
        if !errors.isEmpty {
            lines.append(ScreenLine())
            lines += errors
        }
        while lines.count < height - 1 { lines.append(ScreenLine()) }
        lines = Array(lines.prefix(height - 1)) + [footerLine]
        if view.showsHelp { lines = HelpOverlay.draw(over: lines, width: width, attached: view.isAttached) }
        return lines.map { $0.clipped(to: width) }
    }

    static func header(_ snapshot: StatsSnapshot, width: Int, context: RenderContext, wide: Bool) -> ScreenLine {
        var line = ScreenLine(" fanout ", .title)
        line.append(wide ? " \(context.inputName) → \(context.saveName)" : " \(context.inputName)")
        if let attachment = context.attachment { line.append("  " + attachment, .dim) }
        let stateStyle: Style = switch snapshot.state {
        case .running: .good
        case .paused, .draining: .banner
        case .done: .accent
        }
        let exit = snapshot.state == .done ? context.exitCode.map { " exit \($0)" } ?? "" : ""
        var right = ScreenLine(" \(snapshot.state.rawValue)\(exit) ", stateStyle)
        let eta = etaSeconds(snapshot, context: context).map { "ETA \(Format.clock($0))" } ?? (snapshot.state == .done ? "" : "ETA –")
        right.append(wide ? "  \(Format.clock(snapshot.elapsed)) elapsed   \(eta) " : "  \(Format.clock(snapshot.elapsed))  \(eta) ")
        return spread(line, right, width: width)
    }

    static func progress(_ snapshot: StatsSnapshot, width: Int, context: RenderContext) -> ScreenLine {
        let fraction: Double
        let label: String
        if let total = context.totalLines, total > 0 {
            // A run that stopped for money read everything but left records unsent: not complete.
            let complete = snapshot.state == .done && snapshot.progress.totalBytes == snapshot.progress.bytesRead && snapshot.control.spend.stop == nil
            fraction = complete ? 1 : min(1, Double(snapshot.done + snapshot.resumed) / Double(total))
            label = "\(Format.percent(fraction))  \(Format.count(snapshot.done + snapshot.resumed)) / \(Format.count(total))"
        } else if let bytes = snapshot.progress.totalBytes, bytes > 0 {
            fraction = Double(snapshot.progress.bytesRead) / Double(bytes)
            label = "\(Format.percent(fraction)) read  \(Format.count(snapshot.done)) done"
        } else {
            fraction = 0
            label = "\(Format.count(snapshot.done)) done, \(Format.count(snapshot.read)) read"
        }
        let barWidth = max(10, width - label.count - 4)
        var line = ScreenLine(" ")
        line.append(Sparkline.bar(fraction: fraction, width: barWidth), .accent)
        line.append("  " + label)
        return line
    }

    /// The wide layout's line under the progress bar: why nothing can be sent when no endpoint is
    /// usable, and where metrics are served.
    static func notice(_ snapshot: StatsSnapshot, width: Int, context: RenderContext) -> ScreenLine {
        let availability = EndpointAvailability(snapshot.endpoints)
        var left = ScreenLine()
        if let (text, style) = SpendText.notice(snapshot, total: context.totalLines) {
            left.append(text, style)
        } else if availability.usable == 0, availability.total > 0, snapshot.state != .done {
            left.append(" no endpoint usable: " + availability.reasons.joined(separator: "; "), .warning)
        } else if let client = snapshot.control.client, client.isBound, snapshot.state != .done {
            left.append(" " + ClientLoad.warning, .warning)
        }
        let right = [context.attachHint.map { "attach: \($0)" }, context.metricsURL.map { "metrics \($0)" }].compactMap { $0 }
        guard !right.isEmpty else { return left }
        return spread(left, ScreenLine(right.joined(separator: "   ") + " ", .dim), width: width)
    }

    static func throughput(_ snapshot: StatsSnapshot, width: Int, wide: Bool, metricsPort: Int?) -> [ScreenLine] {
        let limit = snapshot.targetRate > 0 ? "\(Format.rate(snapshot.targetRate))/s" : "unlimited"
        let retryShare = snapshot.sent > 0 ? " (\(Format.fixed(Double(snapshot.retries) / Double(snapshot.sent) * 100, digits: 1)) %)" : ""
        var first = ScreenLine()
        if wide {
            first.append(" Throughput   ", .bold)
            first.append("\(Format.rate(snapshot.completionRate)) answers/s   sends \(Format.rate(snapshot.measuredRate))/s of \(limit) limit   in flight \(Format.count(snapshot.inFlight)) / \(snapshot.inFlightIsAuto ? "auto" : Format.count(snapshot.maxInFlight))")
            first.append("      ok \(Format.count(snapshot.succeeded))   ")
            first.append("failed \(Format.count(snapshot.failed))", snapshot.failed > 0 ? .bad : .normal)
            first.append("   retries \(Format.count(snapshot.retries))\(retryShare)")
        } else {
            first.append(" \(Format.rate(snapshot.completionRate)) ans/s  sends \(Format.rate(snapshot.measuredRate))/s of \(limit)  infl \(Format.compact(snapshot.inFlight))  ")
            first.append("failed \(Format.compact(snapshot.failed))", snapshot.failed > 0 ? .bad : .normal)
            first.append("  retry \(Format.compact(snapshot.retries))")
        }
        var second = ScreenLine(" ")
        if wide {
            var text = "  last 60 s   peak \(Format.rate(snapshot.rateHistory.max() ?? 0))/s   "
                + "tokens in \(Format.compact(snapshot.promptTokens))  out \(Format.compact(snapshot.completionTokens))"
            if snapshot.tokens.completionTokens > 0 { text += "  \(Format.rate(snapshot.tokens.outputTokensPerSecond)) tok/s" }
            if snapshot.tokensPerMinute > 0 { text += "  limit \(Format.compact(Int(saturating: snapshot.tokensPerMinute)))/min" }
            // The sparkline gives way to the figures.
            second.append(Sparkline.render(snapshot.rateHistory, width: max(10, min(60, width - 2 - text.count))), .accent)
            second.append(text)
            if let client = snapshot.control.client {
                let part = "   client cpu \(Format.fixed(client.cpuPercent, digits: 0))% lag \(Format.fixed(client.loopLagP99Ms, digits: 0))ms"
                if second.width + part.count <= width { second.append(part, client.isBound ? .warning : .dim) }
            }
        } else {
            // Money, when there is any, takes its room from the sparkline.
            let money = SpendText.compact(snapshot.control.spend)
            second.append(Sparkline.render(snapshot.rateHistory, width: max(10, min(60, width - 2 - (money?.0.count ?? 0)))), .accent)
            if let share = snapshot.goodShare, snapshot.serviceLevels != nil, first.width + 10 <= width {
                first.append("  good \(Format.fixed(share * 100, digits: 0))%", EndpointTable.goodStyle(share))
            }
            if let (text, style) = money, second.width + text.count <= width { second.append(text, style) }
            if let client = snapshot.control.client, client.isBound, second.width + 14 <= width { second.append("  client-bound", .warning) }
            if let port = metricsPort, second.width + 16 <= width { second.append("  metrics :\(port)", .dim) }
        }
        guard wide, let levels = snapshot.serviceLevels else { return [first, second] }
        return [first, second, goodput(snapshot, levels: levels, width: width)]
    }

    /// `Goodput  92.4% of 12,340 records met ttft ≤ 500ms, tpot ≤ 50ms   184/s now`.
    static func goodput(_ snapshot: StatsSnapshot, levels: ServiceLevels, width: Int) -> ScreenLine {
        var line = ScreenLine(" Goodput      ", .bold)
        line.append(snapshot.goodShare.map(Format.percent) ?? "–", EndpointTable.goodStyle(snapshot.goodShare))
        line.append(" of \(Format.count(snapshot.done)) records met \(levels.description(Format.latency))   "
            + "\(Format.rate(snapshot.tokens.goodRate))/s now")
        guard snapshot.tokens.streamed > 0 else { return line }
        for part in ["   TTFT p50 \(Format.latency(snapshot.tokens.ttft.p50)) p99 \(Format.latency(snapshot.tokens.ttft.p99))",
                     "   TPOT p50 \(Format.latency(snapshot.tokens.tpot.p50))"] where line.width + part.count <= width {
            line.append(part, .dim)
        }
        return line
    }

    static func footer(_ snapshot: StatsSnapshot, view: ViewState, width: Int, height: Int = 24, wide: Bool,
                       context: RenderContext = RenderContext(inputName: "", saveName: "")) -> ScreenLine {
        if let message = view.flashMessage(at: snapshot.elapsed) { return ScreenLine(" " + message, .warning) }
        if let link = context.link { return ScreenLine(" " + link + "  (q leaves)", .warning) }
        if context.suspect { return ScreenLine(" " + RenderContext.suspectNotice + "  (q leaves)", .warning) }
        if view.isAttached && snapshot.state == .done {
            let code = context.exitCode.map { "exit code \($0)" } ?? "finishing"
            return ScreenLine(" the run is done (\(code)) — press q to leave", .accent)
        }
        if snapshot.state == .done {
            let report = context.reportPath.map { " (the report goes to \($0))" } ?? ""
            return ScreenLine(view.quitRequested ? " done: writing the summary" + report : " done — press q to exit" + report, .accent)
        }
        if width < 80 || height < 24 {
            return ScreenLine(" \(width)×\(height) is below 80×24: columns are cut; enlarge the terminal  (? help, q quit)", .warning)
        }
        let keys = KeyBindings.footer(wide: wide, attached: view.isAttached)
        var line = ScreenLine(" ")
        for (key, action) in keys {
            line.append(key, .bold)
            line.append(" \(action)  ")
        }
        return line
    }

    /// Seconds to finish at the recent completion rate, when both are known.
    static func etaSeconds(_ snapshot: StatsSnapshot, context: RenderContext) -> Double? {
        guard snapshot.state != .done, let total = context.totalLines, snapshot.completionRate > 0 else { return nil }
        return Double(max(0, total - snapshot.done - snapshot.resumed)) / snapshot.completionRate
    }

    /// `left` and `right` on one line of `width`, with spaces between.
    static func spread(_ left: ScreenLine, _ right: ScreenLine, width: Int) -> ScreenLine {
        let gap = width - left.width - right.width
        guard gap >= 1 else { return ScreenLine(left.spans + [Span(" ")] + right.spans) }
        return ScreenLine(left.spans + [Span(String(repeating: " ", count: gap))] + right.spans)
    }
}
