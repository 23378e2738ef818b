import Engine
import Testing
import TestSupport
@testable import Dashboard

@Suite struct DashboardLayoutTests {
    /// A busy run at 80×24: compact columns, every endpoint, error counts, the key footer.
    @Test func busyAt80x24() {
        #expect(Fixtures.text(Fixtures.busy(), width: 80, height: 24) == #"""
         fanout  prompts.jsonl                               RUNNING   04:12  ETA 12:15
         █████████████▏····································  26.4%  264,118 / 1,000,000
         1,000 ans/s  sends 2,004/s of 2,000/s  infl 1,187  failed 716  retry 3,581
          ▄▆▂▄▇▃▅█▃▆▁▄▇▂▅█▃▆▁▄▆▂▅▇▃▅█▄▆▂▄▇▂▅█▃▆▁▄▇▂▅▇▃▆▁▄▆▂▅▇▃▅█▃▆▂▄▇

           Endpoint       W   Share   Infl      OK    Err    p50    p99  State
         ▶ gpu-a          3  50/51%    602  134.5k     12  182ms  410ms  ready
           gpu-b          2  33/34%    401   89.0k      3  201ms  455ms  ready
           openai         1  17/15%    184   39.9k    701  690ms   3.1s  cool 2.4s
           spare          0    0/0%      0       0      0      –      –  drained

         429 2,611  5xx 702  timeout 190  conn 76  input 14
         04:11 openai  HTTP 429: Rate limit reached (attempt 1/5, retry in 2.4s)










         spc pause  +/- rate  ↑↓ sel  ←→ weight  0 drain  r reset  ? help  q quit
        """#)
    }

    /// The same run at 160×48: full columns with hosts, throughput, the charts, then errors by kind
    /// beside the last errors.
    @Test func busyAt160x48() {
        let text = Fixtures.text(Fixtures.busy(), width: 160, height: 48)
        let top = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(11)
        #expect(top.joined(separator: "\n") == #"""
         fanout  prompts.jsonl → prompts_results.jsonl                                                                              RUNNING   04:12 elapsed   ETA 12:15
         ██████████████████████████████████▎·······························································································  26.4%  264,118 / 1,000,000

         Throughput   1,000 answers/s   sends 2,004/s of 2,000/s limit   in flight 1,187 / 4,096      ok 263,402   failed 716   retries 3,581 (1.3 %)
          ▄▆▂▄▇▃▅█▃▆▁▄▇▂▅█▃▆▁▄▆▂▅▇▃▅█▄▆▂▄▇▂▅█▃▆▁▄▇▂▅▇▃▆▁▄▆▂▅▇▃▅█▃▆▂▄▇  last 60 s   peak 1,980/s   tokens in 31.2M  out 8.9M

           Endpoint                         Weight Share tgt/act In flight        OK   Errors  Retries     p50     p99  State
         ▶ gpu-a 10.0.0.5:8000                   3        50/51%       602   134,510       12      440   182ms   410ms  ready
           gpu-b 10.0.0.6:8000                   2        33/34%       401    89,004        3      301   201ms   455ms  ready
           openai api.openai.com:443             1        17/15%       184    39,888      701    2,840   690ms    3.1s  cooling 2.4s (429)
           spare 10.0.0.9:8000                   0          0/0%         0         0        0        0       –       –  drained
        """#)
        #expect(text.contains("Latency · gpu-a   p50 182ms  p99 410ms"))
        let errors = text.components(separatedBy: "\n Errors by kind").last ?? ""
        #expect(errors.contains(#"""
                                        Last errors
           429 rate limited         2,611 (retried)    04:11 openai  HTTP 429: Rate limit reached (attempt 1/5, retry in 2.4s)
           5xx server                 702              04:09 openai  HTTP 503: upstream overloaded (attempt 2/5, retry in 1.2s)
           timeout                    190              04:00 input  line 88,214: not valid JSON
           connection                  76
           bad input line              14
        """#))
        #expect(text.firstRange(of: "Latency · gpu-a")!.lowerBound < text.firstRange(of: "Errors by kind")!.lowerBound)
    }

    /// Every frame has exactly `height` lines, none wider than `width`, the footer last.
    @Test(arguments: [(80, 24), (100, 30), (120, 40), (160, 48), (200, 60)])
    func fitsTheScreen(width: Int, height: Int) {
        let lines = DashboardLayout.render(Fixtures.busy(), view: ViewState(), width: width, height: height, context: Fixtures.context)
        #expect(lines.count == height)
        #expect(lines.allSatisfy { $0.width <= width })
        #expect(lines.last?.text.contains("q quit") == true)
    }

    /// PAUSED replaces RUNNING in a banner style; a cooling endpoint shows its time and reason.
    @Test func pausedAndCooling() {
        let lines = DashboardLayout.render(Fixtures.busy(state: .paused), view: ViewState(), width: 120, height: 40, context: Fixtures.context)
        #expect(lines[0].spans.contains(Span(" PAUSED ", .banner)))
        #expect(!lines[0].text.contains("RUNNING"))
        #expect(lines.contains { $0.spans.contains(Span("cooling 2.4s (429)", .warning)) })
        #expect(lines.contains { $0.spans.contains(Span("drained", .dim)) })
    }

    /// With 30 endpoints at 80×24 the list scrolls to keep the selected row visible and counts the hidden ones.
    @Test func manyEndpointsScroll() {
        var snapshot = Fixtures.busy()
        snapshot.endpoints = (1...30).map { Fixtures.endpoint("node-\($0)", url: "http://10.1.0.\($0):8000/v1", weight: 1) }
        var view = ViewState()
        view.selected = 20
        let text = Fixtures.text(snapshot, view: view, width: 80, height: 24)
        #expect(text.contains(" ▶ node-21 "))
        #expect(text.contains("… 17 more endpoints (↑↓ to scroll)"))
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 24)
        #expect(text.hasSuffix("q quit"))
        view.selected = 0
        #expect(Fixtures.text(snapshot, view: view, width: 80, height: 24).contains(" ▶ node-1 "))
    }

    /// DONE shows in the header and the footer asks for q; a confirmation replaces the footer for 3 s.
    @Test func doneAndConfirmation() {
        var done = Fixtures.busy(state: .done)
        let text = Fixtures.text(done, width: 120, height: 40)
        #expect(text.contains(" DONE ") && text.hasSuffix("done — press q to exit"))
        var view = ViewState()
        view.confirm("rate 2,000/s → 1,600/s", at: 250)
        done.state = .running
        #expect(Fixtures.text(done, view: view, width: 120, height: 40).hasSuffix(" rate 2,000/s → 1,600/s"))
        done.elapsed = 254
        #expect(Fixtures.text(done, view: view, width: 120, height: 40).hasSuffix("q quit"))
    }

    /// The help overlay lists every key over the middle of the screen.
    @Test func helpOverlay() {
        var view = ViewState()
        view.showsHelp = true
        let text = Fixtures.text(Fixtures.busy(), view: view, width: 120, height: 40)
        for (key, action) in KeyBindings.help() {
            #expect(text.contains(key) && text.contains(action))
        }
        #expect(text.contains("┌─ keys ") && text.contains("any key closes this"))
    }

    /// Without a line count the bar follows bytes read; stdin shows counts only.
    @Test func progressWithoutTotal() {
        var snapshot = Fixtures.busy()
        snapshot.progress = SourceProgress(bytesRead: 500, totalBytes: 1000, linesRead: 10)
        let context = RenderContext(inputName: "in.jsonl", saveName: "out.jsonl")
        #expect(Fixtures.text(snapshot, width: 80, height: 24, context: context).contains("50.0% read"))
        snapshot.progress = SourceProgress()
        #expect(Fixtures.text(snapshot, width: 80, height: 24, context: context).contains("264,118 done, 264,500 read"))
    }

    /// A tokens-per-minute limit shows beside the token counts; a provider's limit shows as a cooldown reason,
    /// and what its headers say is left follows the state where the row has room.
    @Test func tokenLimitAndProviderCooling() {
        var snapshot = Fixtures.busy()
        snapshot.tokensPerMinute = 90_000
        snapshot.endpoints[0].state = .cooling(seconds: 0.8, reason: .providerLimit)
        snapshot.endpoints[1].providerLimits = ProviderRateLimits(remainingRequests: 4980, remainingTokens: 1_900_000)
        let lines = DashboardLayout.render(snapshot, view: ViewState(), width: 160, height: 48, context: Fixtures.context)
        #expect(lines.contains { $0.text.contains("limit 90.0k/min") })
        #expect(lines.contains { $0.spans.contains(Span("cooling 0.8s (limit)", .warning)) })
        #expect(lines.contains { $0.spans.contains(Span("  4,980 req · 1.9M tok left", .dim)) })
        let narrow = DashboardLayout.render(snapshot, view: ViewState(), width: 80, height: 24, context: Fixtures.context)
        #expect(!narrow.contains { $0.text.contains("tok left") } && narrow.allSatisfy { $0.width <= 80 })
    }

    /// Each endpoint row shows the limits in force and where they come from, wide and compact;
    /// the throughput line says when the global cap is auto.
    @Test func learnedLimits() {
        var snapshot = Fixtures.busy()
        snapshot.inFlightIsAuto = true
        snapshot.endpoints[0].state = .cooling(seconds: 4, reason: .tooManyRequests)
        snapshot.endpoints[0].limits.rate = 118.0 / 60
        snapshot.endpoints[0].limits.rateSource = .learned
        snapshot.endpoints[1].limits.inFlightCap = 48
        snapshot.endpoints[1].limits.capIsAuto = true
        let wide = DashboardLayout.render(snapshot, view: ViewState(), width: 120, height: 40, context: Fixtures.context)
        #expect(wide.contains { $0.text.contains("118/min learned  cooling 4.0s (429)") }, "\(wide.map(\.text).joined(separator: "\n"))")
        #expect(wide.contains { $0.text.contains("conc 48 auto") })
        #expect(wide.contains { $0.text.contains("Limit") && !$0.text.contains("Retries") } && wide.allSatisfy { $0.width <= 120 })
        let roomy = DashboardLayout.render(snapshot, view: ViewState(), width: 160, height: 48, context: Fixtures.context)
        #expect(roomy.contains { $0.text.contains("Limit") && $0.text.contains("Retries") })
        #expect(wide.contains { $0.text.contains("/ auto") })
        let narrow = DashboardLayout.render(snapshot, view: ViewState(), width: 80, height: 24, context: Fixtures.context)
        #expect(narrow.contains { $0.text.contains("c48") } && narrow.allSatisfy { $0.width <= 80 })
    }

    /// Below 80×24 the footer says the screen is too small and columns are cut, instead of clipping silently.
    @Test func smallTerminalSaysSo() {
        let lines = Fixtures.text(Fixtures.busy(), width: 60, height: 20).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 20)
        #expect(lines.last?.hasPrefix(" 60×20 is below 80×24: columns are cut") == true)
        #expect(lines.allSatisfy { $0.count <= 60 })
    }

    /// The metrics URL shows on the dashboard (wide: under the progress bar; compact: the port), and when
    /// no endpoint is usable the wide screen says what it waits for.
    @Test func metricsURLAndWaiting() {
        var context = Fixtures.context
        context.metricsPort = 41234
        #expect(Fixtures.text(Fixtures.busy(), width: 120, height: 40, context: context).contains("metrics http://127.0.0.1:41234/metrics"))
        #expect(Fixtures.text(Fixtures.busy(), width: 80, height: 24, context: context).contains("metrics :41234"))
        var waiting = Fixtures.busy()
        waiting.endpoints = [Fixtures.endpoint("gpu-a", url: "http://10.0.0.5:8000/v1", weight: 1, state: .cooling(seconds: 3540, reason: .tooManyRequests))]
        let screen = Fixtures.text(waiting, width: 120, height: 40, context: context)
        #expect(screen.contains(" no endpoint usable: waiting 59m for gpu-a (429)"))
        #expect(screen.contains("cooling 59m (429)"))
    }

    /// Once answers stream the table gains TTFT, ITL, tok/s and Good and keeps what fits by priority
    /// (the state short below 140 columns); the throughput block adds tokens/s and a goodput line; the
    /// compact table swaps in TTFT and tok/s.
    @Test func llmColumns() {
        let snapshot = Fixtures.streaming()
        let wide = Fixtures.text(snapshot, width: 120, height: 30)
        #expect(wide.contains("Endpoint             Weight     Share In flight        OK   Errors    p99    TTFT     ITL    tok/s   Good  State"))
        #expect(wide.contains(" Goodput      81.5% of 4,326 records met ttft ≤ 500ms, tpot ≤ 50ms"))
        #expect(wide.contains("tok/s") && !wide.contains("Retries"))
        let narrowest = Fixtures.text(snapshot, width: 100, height: 30)
        #expect(narrowest.contains("TTFT") && narrowest.contains("tok/s") && narrowest.contains("Good"))
        let roomy = Fixtures.text(snapshot, width: 200, height: 50)
        #expect(roomy.contains("TTFT99") && roomy.contains("Retries") && roomy.contains("p50"))
        var cooling = snapshot
        cooling.endpoints[2].state = .cooling(seconds: 2.4, reason: .tooManyRequests)
        #expect(Fixtures.text(cooling, width: 120, height: 30).contains("cool 2.4s"))
        #expect(Fixtures.text(cooling, width: 160, height: 30).contains("cooling 2.4s (429)"))
        let compact = Fixtures.text(snapshot, width: 80, height: 24)
        #expect(compact.contains("   Endpoint       W   Infl      OK    Err    p99   TTFT   tok/s  State"))
        #expect(compact.contains("good 82%"))
        for text in [wide, narrowest, roomy, compact] {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.allSatisfy { $0.count <= 200 })
        }
    }

    /// With --report the DONE footer says where the report goes.
    @Test func doneNamesTheReport() {
        var context = Fixtures.context
        context.reportPath = "/tmp/run.html"
        let text = Fixtures.text(Fixtures.busy(state: .done), width: 120, height: 40, context: context)
        #expect(text.contains("done — press q to exit (the report goes to /tmp/run.html)"))
    }

    /// Under auto, an endpoint held at its learned cap well below its weight's share says so in the
    /// Share cell ("cap", in the warning colour); one that keeps its share does not.
    @Test func capBoundShare() {
        var endpoint = EndpointSnapshot(name: "gpu-b", url: "http://gpu-b:8000/v1", weight: 2, initialWeight: 2, state: .ready)
        endpoint.limits.capIsAuto = true
        endpoint.maxInFlight = 8
        endpoint.inFlight = 8
        endpoint.succeeded = 100
        endpoint.targetShare = 0.4
        endpoint.actualShare = 0.14
        #expect(endpoint.isCapBound)
        let row = EndpointTable.row(endpoint, isSelected: false, wide: true, width: 120)
        #expect(row.spans.contains { $0.text.contains("40/14% cap") && $0.style == .warning })
        endpoint.actualShare = 0.38
        #expect(!endpoint.isCapBound)
    }

    /// Attached: the header names the run, the footer says q detaches; when done it shows the exit code.
    @Test func attachedScreen() {
        var view = ViewState()
        view.isAttached = true
        var context = Fixtures.context
        context.attachment = "attached to pid 4242"
        let running = Fixtures.text(Fixtures.busy(), view: view, width: 160, height: 48, context: context)
        #expect(running.split(separator: "\n").first?.contains("attached to pid 4242") == true)
        #expect(running.split(separator: "\n").last?.contains("X stop run") == true)
        #expect(running.split(separator: "\n").last?.contains("q detach") == true)
        context.exitCode = 5
        let done = Fixtures.text(Fixtures.busy(state: .done), view: view, width: 160, height: 48, context: context)
        #expect(done.split(separator: "\n").first?.contains("DONE exit 5") == true)
        #expect(done.split(separator: "\n").last == " the run is done (exit code 5) — press q to leave")
        context.link = "lost the run at /tmp/x.sock: connection refused; reconnecting"
        let lost = Fixtures.text(Fixtures.busy(), view: view, width: 160, height: 48, context: context)
        #expect(lost.split(separator: "\n").last == " lost the run at /tmp/x.sock: connection refused; reconnecting  (q leaves)")
    }

    /// A status at the edge of what bounds allow (a thousand shards of counts at 10^15, money and
    /// rates at 10^15) renders in every layout without trapping.
    @Test func impossibleFiguresRender() {
        var snapshot = Fixtures.busy()
        let huge = 1000 * StatusDocument.maxCount
        snapshot.succeeded = huge
        snapshot.failed = huge
        snapshot.sent = huge
        snapshot.errorsByKind = [.server: huge, .timeout: huge]
        snapshot.tokensPerMinute = 1e15
        snapshot.targetRate = 1e15
        snapshot.measuredRate = 1e15
        snapshot.rateHistory = Array(repeating: 1e15, count: 60)
        snapshot.elapsed = 1e12
        snapshot.control.spend.spent = 1e15
        snapshot.control.spend.cap = 1e15
        snapshot.control.spend.isPriced = true
        for index in snapshot.endpoints.indices {
            snapshot.endpoints[index].sent = huge
            snapshot.endpoints[index].actualShare = 1
        }
        for (width, height) in [(200, 60), (120, 40), (80, 24), (40, 12)] {
            let lines = DashboardLayout.render(snapshot, view: ViewState(), width: width, height: height, context: Fixtures.context)
            #expect(!lines.isEmpty)
        }
    }
}
