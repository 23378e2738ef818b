import Engine
import TestSupport
@testable import Dashboard

extension Fixtures {
    static let context = RenderContext(inputName: "prompts.jsonl", saveName: "prompts_results.jsonl", totalLines: 1_000_000)

    static func text(_ snapshot: StatsSnapshot, view: ViewState = ViewState(), width: Int, height: Int,
                     context: RenderContext = context) -> String {
        DashboardLayout.render(snapshot, view: view, width: width, height: height, context: context)
            .map { String($0.text.reversed().drop(while: { $0 == " " }).reversed()) }
            .joined(separator: "\n")
    }
}
