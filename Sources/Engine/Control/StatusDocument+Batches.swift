extension StatusDocument {
    /// One batch of a batch route: open, or ended in the last minute.
    public struct Batch: Codable, Sendable, Hashable {
        /// The provider's batch id (fanout's key while it is being submitted).
        public var id: String
        /// As the provider gives it, e.g. `in_progress`, `completed`, `ended`.
        public var status: String
        public var total: Int
        public var completed: Int
        public var failed: Int
        /// Unix seconds.
        @Nullable public var createdAt: Double? = nil
        @Nullable public var expiresAt: Double? = nil

        init(_ view: BatchView) {
            id = view.id
            status = view.status
            total = view.total
            completed = view.completed
            failed = view.failed
            createdAt = view.createdAt
            expiresAt = view.expiresAt
        }

        var view: BatchView {
            BatchView(id: id, status: status, total: total, completed: completed, failed: failed, createdAt: createdAt, expiresAt: expiresAt)
        }
    }

    /// `--deadline`: the time left, the batches' projected end, what the real-time endpoints need, the saving.
    public struct Deadline: Codable, Sendable, Hashable {
        public var secondsLeft: Double
        public var marginS: Double
        /// Seconds until the open batches are projected to end (nil: no progress reported yet).
        @Nullable public var projectedBatchEndS: Double? = nil
        /// Seconds the real-time endpoints need for every unfinished record.
        @Nullable public var realtimeNeedsS: Double? = nil
        public var batchesCancelled: Bool
        public var savedUsd: Double

        init(_ figures: DeadlineFigures) {
            secondsLeft = (figures.secondsLeft * 10).rounded() / 10
            marginS = figures.margin
            batchesCancelled = figures.batchesCancelled
            savedUsd = figures.savedUSD
            projectedBatchEndS = figures.projectedBatchEnd.map { ($0 * 10).rounded() / 10 }
            realtimeNeedsS = figures.realtimeNeeds.map { ($0 * 10).rounded() / 10 }
        }

        var figures: DeadlineFigures {
            DeadlineFigures(secondsLeft: secondsLeft, margin: marginS, projectedBatchEnd: projectedBatchEndS, realtimeNeeds: realtimeNeedsS,
                            batchesCancelled: batchesCancelled, savedUSD: savedUsd)
        }
    }
}
