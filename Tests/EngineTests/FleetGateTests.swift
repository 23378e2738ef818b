import Testing
@testable import Engine

/// A shard's side of the fleet's shared rate, on chosen times.
@Suite struct FleetGateTests {
    /// Without tokens nothing may go and a lease of 100 ms of the fleet's rate is wanted, once.
    @Test func wantsALeaseOnceWhenEmpty() {
        var gate = FleetGate(rate: 30)
        #expect(!gate.hasToken(now: 0))
        #expect(gate.wantsLease(now: 0) && gate.leaseSize == 3)
        gate.askedForLease()
        #expect(!gate.wantsLease(now: 0))
        gate.granted(0, now: 0.05)
        #expect(gate.wantsLease(now: 0.05))
    }

    /// Each send uses one granted token; tokens not used within their life expire, so a shard never bursts with old ones.
    @Test func tokensAreUsedAndExpire() {
        var gate = FleetGate(rate: 3000)
        #expect(gate.leaseSize == 300)
        gate.granted(2, now: 1)
        #expect(gate.hasToken(now: 1))
        gate.use(now: 1)
        gate.use(now: 1.01)
        #expect(!gate.hasToken(now: 1.01))
        gate.granted(5, now: 2)
        #expect(gate.hasToken(now: 2 + FleetGate.tokenLife - 0.001))
        #expect(!gate.hasToken(now: 2 + FleetGate.tokenLife))
        gate.granted(1, now: 3)
        gate.use(now: 3)
        #expect(!gate.hasToken(now: 3), "expired tokens are not carried into a new lease")
    }

    /// Without the store the shard goes alone at the fleet's rate over the shards seen; back, it leases again from nothing.
    @Test func fallsBackToItsShare() {
        var gate = FleetGate(rate: 30)
        gate.link(connected: true, shards: 3)
        gate.granted(3, now: 0)
        gate.link(connected: false, shards: nil)
        #expect(!gate.gates && gate.hasToken(now: 0) && gate.localRate == 10 && gate.share == 10)
        #expect(!gate.wantsLease(now: 0))
        gate.link(connected: true, shards: 2)
        #expect(gate.gates && gate.localRate == 30 && !gate.hasToken(now: 0) && gate.share == 15)
    }

    /// A fleet without a rate gates nothing; a rate set later (scope fleet) starts gating.
    @Test func noRateNoGate() {
        var gate = FleetGate(rate: 0)
        #expect(!gate.gates && gate.hasToken(now: 0) && !gate.wantsLease(now: 0))
        gate.setRate(12)
        #expect(gate.gates && gate.wantsLease(now: 0) && gate.leaseSize == 2)
    }
}
