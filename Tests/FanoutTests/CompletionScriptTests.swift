import Testing
@testable import fanout

@Suite struct CompletionScriptTests {
    /// Each shell's script learns the top-level form (an option first completes as run), and file
    /// options complete paths.
    @Test func scriptsArePatched() throws {
        let bash = try #require(CompletionScript.generate(for: "bash"))
        #expect(bash.contains(CompletionScript.bashRun) && bash.contains("__fanout_add_completions -f"))
        #expect(try #require(CompletionScript.generate(for: "zsh")).contains(CompletionScript.zshRun))
        #expect(try #require(CompletionScript.generate(for: "fish")).contains(CompletionScript.fishRun))
        #expect(CompletionScript.generate(for: "tcsh") == nil)
    }
}
