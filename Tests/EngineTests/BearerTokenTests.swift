import Engine
import Testing

@Suite struct BearerTokenTests {
    /// Only the exact token after `Bearer ` (scheme in any case) is accepted.
    @Test func acceptsOnlyTheToken() throws {
        let token = try #require(BearerToken("s3cret-token"))
        #expect(token.accepts("Bearer s3cret-token"))
        #expect(token.accepts("bearer s3cret-token"))
        #expect(token.accepts(token.headerValue))
        for wrong in [nil, "", "Bearer", "Bearer ", "Bearer s3cret", "Bearer s3cret-token2", "Bearer S3CRET-TOKEN",
                      "Basic s3cret-token", "s3cret-token", "Bearer  s3cret-token", "Bearer s3cret-tokem"] as [String?] {
            #expect(!token.accepts(wrong), "\(wrong ?? "nil")")
        }
    }

    /// An empty token protects nothing, so there is none.
    @Test func emptyIsNoToken() {
        #expect(BearerToken("") == nil)
    }
}
