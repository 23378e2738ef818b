import NIOCore
import Synchronization

/// Sends the tokens of every streamed answer on one event loop on time, from one 1 ms ticker.
///
/// A timing wheel (slots of 1 ms): adding a stream, or moving it to its next token, costs a slot
/// append, where a scheduled task per token would cost a heap insert and a closure; the benchmark's
/// mock sends well over 100,000 tokens a second. Used only on its event loop.
final class TokenWheel {
    static let slotCount = 4096

    private let loop: any EventLoop
    private let origin = NIODeadline.now()
    private var slots = Array(repeating: [StreamedAnswer](), count: slotCount)
    /// The next millisecond to process.
    private var cursor: Int64 = 0
    private var active = 0
    private var ticking = false

    init(loop: any EventLoop) {
        self.loop = loop
    }

    /// Milliseconds since the wheel's origin: deadlines rounded up, the present down, so a token is
    /// never sent early (and at most about a millisecond late).
    private func milliseconds(_ deadline: NIODeadline) -> Int64 {
        (Int64(deadline.uptimeNanoseconds) - Int64(origin.uptimeNanoseconds) + 999_999) / 1_000_000
    }

    private var elapsedMilliseconds: Int64 {
        (Int64(NIODeadline.now().uptimeNanoseconds) - Int64(origin.uptimeNanoseconds)) / 1_000_000
    }

    /// Sends `stream`'s tokens from now on, each at its time.
    func add(_ stream: StreamedAnswer) {
        active += 1
        place(stream)
        guard !ticking else { return }
        ticking = true
        cursor = max(cursor, elapsedMilliseconds)
        scheduleTick()
    }

    /// Wakes at the start of the next millisecond to process.
    private func scheduleTick() {
        loop.assumeIsolated().scheduleTask(deadline: origin + .milliseconds(cursor)) { [self] in tick() }
    }

    private func place(_ stream: StreamedAnswer) {
        let due = max(cursor, milliseconds(stream.nextDeadline))
        slots[Int(due % Int64(Self.slotCount))].append(stream)
    }

    /// Sends every token due by now, slot by slot.
    private func tick() {
        let now = elapsedMilliseconds
        while cursor <= now {
            let index = Int(cursor % Int64(Self.slotCount))
            let due = slots[index]
            slots[index].removeAll(keepingCapacity: true)
            for stream in due {
                // Every token due by this millisecond goes now (all of them when the pace is 0).
                var more = true
                while more, milliseconds(stream.nextDeadline) <= cursor { more = stream.sendNext() }
                if more { place(stream) } else { active -= 1 }
            }
            cursor += 1
        }
        if active == 0 { ticking = false } else { scheduleTick() }
    }
}

/// The wheels of a server's event loops, made on first use.
final class TokenWheels: Sendable {
    private let wheels = Mutex<[ObjectIdentifier: NIOLoopBound<TokenWheel>]>([:])

    /// The wheel of `loop`; call on `loop`.
    func wheel(for loop: any EventLoop) -> TokenWheel {
        wheels.withLock { wheels in
            if let wheel = wheels[ObjectIdentifier(loop)] { return wheel.value }
            let wheel = TokenWheel(loop: loop)
            wheels[ObjectIdentifier(loop)] = NIOLoopBound(wheel, eventLoop: loop)
            return wheel
        }
    }
}
