import Engine
import Testing

@Suite struct SpendCapTests {
    /// Sends stop before spent + reserved + the next worst case would pass the cap; settling frees the
    /// reservation and spends the real cost, so exactly as many as fit go.
    @Test func reservesTheWorstCase() {
        var cap = SpendCap(cap: 1.0)
        var sent = 0
        while cap.allows(0.3) {
            cap.reserve(0.3)
            sent += 1
        }
        #expect(sent == 3 && !cap.isReached)
        cap.settle(reserved: 0.3, actual: 0.1)
        #expect(cap.allows(0.3))
        cap.reserve(0.3)
        #expect(!cap.allows(0.3))
        for _ in 0..<3 { cap.settle(reserved: 0.3, actual: 0.25) }
        #expect(abs(cap.spent - 0.85) < 1e-12 && cap.reserved == 0)
        #expect(!cap.allows(0.3) && cap.allows(0.1))
    }

    /// What earlier runs spent counts; the same cap again allows nothing, a higher one continues.
    @Test func earlierSpendCounts() {
        #expect(SpendCap(cap: 2, spent: 2).isReached && !SpendCap(cap: 2, spent: 2).allows(0.0001))
        #expect(SpendCap(cap: 3, spent: 2).allows(0.5))
        #expect(SpendCap(cap: nil, spent: 1e9).allows(1e9) && !SpendCap(cap: nil).isReached)
    }

    /// Alerts fire once each at 50, 80 and 95 % of the cap.
    @Test func alerts() {
        var cap = SpendCap(cap: 10)
        #expect(cap.spend(4) == [])
        #expect(cap.spend(1) == [0.5])
        #expect(cap.spend(4) == [0.8])
        #expect(cap.spend(0.5) == [0.95])
        #expect(cap.spend(5) == [] && cap.alerted == [0.5, 0.8, 0.95])
        #expect(cap.spend(.nan) == [] && cap.spend(-1) == [])
    }

    /// The worst case is the prompt estimate at the input price plus max_tokens at the output price;
    /// at the batch price, a batch price the model lacks is half the plain one.
    @Test func worstCase() {
        let price = ModelPrice(input: 1e-6, output: 4e-6, batchInput: 5e-7)
        #expect(abs(SpendCap.worstCase(promptTokens: 1000, maxTokens: 500, price: price) - 0.003) < 1e-12)
        #expect(abs(SpendCap.worstCase(promptTokens: 1000, maxTokens: 500, price: price, batch: true) - 0.0015) < 1e-12)
    }

    /// With a fleet's cap leased in parts, sends fit under the lease (spend before included), never past the fleet's cap.
    @Test func fleetBudget() {
        var cap = SpendCap(cap: 1, spent: 0.1)
        cap.addBudget(0)
        #expect(!cap.allows(0.01) && cap.budgetLeft == 0)
        cap.addBudget(0.05)
        #expect(cap.allows(0.05) && !cap.allows(0.06))
        cap.reserve(0.03)
        #expect(abs(cap.budgetLeft - 0.02) < 1e-12)
        cap.settle(reserved: 0.03, actual: 0.01)
        #expect(abs(cap.budgetLeft - 0.04) < 1e-12)
        cap.addBudget(5)
        #expect(cap.allows(0.89) && !cap.allows(0.9), "the fleet's cap still holds")
    }
}
