import CryptoPrimitives
import Foundation
import JWTAuth

/// A throwaway RSA key, its JWKS, and Cognito-style ID tokens it signed (the same shape as the
/// load test's fixtures, scripts/bench/make-fixtures.py).
struct BenchFixtures {
    static let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_BENCH"
    static let clientID = "benchclient"
    static let keyID = "bench-key"

    let jwks: [UInt8]
    let tokens: [String]
    let badToken: String

    init(tokenCount: Int, now: Date) throws {
        let key = try RSAPrivateKey.generate(bits: 2048)
        let other = try RSAPrivateKey.generate(bits: 2048)
        jwks = JWKSDocument(keys: [try JWK(keyID: Self.keyID, publicKey: key.publicKey())]).jsonBytes
        let issued = Int(now.timeIntervalSince1970)
        tokens = try (0..<tokenCount).map { _ in
            try Self.token(signer: key, subject: UUID().uuidString.lowercased(), issued: issued)
        }
        badToken = try Self.token(signer: other, subject: UUID().uuidString.lowercased(), issued: issued)
    }

    static func token(signer: RSAPrivateKey, subject: String, issued: Int) throws -> String {
        let header = #"{"kid":"\#(keyID)","alg":"RS256","typ":"JWT"}"#
        let claims =
            #"{"sub":"\#(subject)","email_verified":true,"iss":"\#(issuer)","cognito:username":"\#(subject)","#
            + #""aud":"\#(clientID)","event_id":"\#(UUID().uuidString)","token_use":"id","auth_time":\#(issued),"#
            + #""exp":\#(issued + 30 * 86_400),"iat":\#(issued),"jti":"\#(UUID().uuidString)","email":"u@example.com"}"#
        let input = base64URL(Array(header.utf8)) + "." + base64URL(Array(claims.utf8))
        return input + "." + base64URL(try signer.signature(for: Array(input.utf8)))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
