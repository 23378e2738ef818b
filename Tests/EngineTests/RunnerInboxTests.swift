import Testing
@testable import Engine

@Suite struct RunnerInboxTests {
    /// Events posted while nobody waits come out together, in order; a waiting taker gets the next one.
    @Test func batchesInOrder() async {
        let inbox = RunnerInbox()
        inbox.post(.tick)
        inbox.post(.timerFired)
        let batch = await inbox.take()
        #expect(batch.count == 2)
        guard case .tick = batch[0].event, case .timerFired = batch[1].event else { Issue.record("out of order"); return }
        let next = Task { await inbox.take() }
        for _ in 0..<1_000_000 where !inbox.hasWaiter { await Task.yield() }
        #expect(inbox.hasWaiter)
        inbox.post(.tick)
        #expect(await next.value.count == 1)
    }

    /// After close, posts are refused, what was posted can still be taken, then takes come back empty.
    @Test func closeDrainsThenEnds() async {
        let inbox = RunnerInbox()
        #expect(inbox.post(.tick))
        inbox.close()
        #expect(!inbox.post(.timerFired))
        #expect(await inbox.take().count == 1)
        #expect(await inbox.take().isEmpty)
    }
}
