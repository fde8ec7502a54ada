import Foundation
import JWTAuth
import Testing

@Suite("Verified token values")
struct VerifiedTokenTests {
    static func token(
        sub: String = "s", username: String? = "u", email: String? = "e@example.com", groups: [String] = ["g"],
        scopes: [String] = [], tokenUse: TokenUse = .id, expiresAt: Date = Date(timeIntervalSince1970: 100),
        issuer: String = "https://issuer", clientID: String = "c"
    ) -> VerifiedToken {
        VerifiedToken(
            sub: sub, username: username, email: email, groups: groups, scopes: scopes, tokenUse: tokenUse,
            expiresAt: expiresAt, issuer: issuer, clientID: clientID)
    }

    @Test("two tokens are equal exactly when every claim is, whatever the object")
    func equalityComparesEveryClaim() {
        #expect(Self.token() == Self.token())
        let different = [
            Self.token(sub: "t"), Self.token(username: nil), Self.token(email: nil), Self.token(groups: []),
            Self.token(scopes: ["openid"]), Self.token(tokenUse: .access),
            Self.token(expiresAt: Date(timeIntervalSince1970: 101)), Self.token(issuer: "https://other"),
            Self.token(clientID: "d"),
        ]
        for token in different { #expect(token != Self.token()) }
    }
}
