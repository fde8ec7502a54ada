import CryptoPrimitives
import FoundationEssentials
import JWTAuth

/// Mints RS256 ID and access tokens with the claims Cognito puts in them (see the Cognito
/// developer guide's "Understanding the identity token" and "the access token"): the ID token has
/// `aud` = client id and `cognito:username`; the access token has `client_id`, `username` and
/// `scope`, and no `aud`.
struct LocalTokenMinter: Sendable {
    let key: LocalSigningKey
    let issuer: String
    let clientID: String
    /// Lifetime of ID and access tokens (Cognito's default: one hour).
    let lifetime: Int64

    struct IDClaims: Encodable {
        let sub: String
        let emailVerified: Bool
        let iss: String
        let cognitoUsername: String
        let originJTI: String
        let aud: String
        let eventID: String
        let tokenUse: String
        let authTime: Int64
        let exp: Int64
        let iat: Int64
        let jti: String
        let email: String

        enum CodingKeys: String, CodingKey {
            case sub, iss, aud, exp, iat, jti, email
            case emailVerified = "email_verified"
            case cognitoUsername = "cognito:username"
            case originJTI = "origin_jti"
            case eventID = "event_id"
            case tokenUse = "token_use"
            case authTime = "auth_time"
        }
    }

    struct AccessClaims: Encodable {
        let sub: String
        let iss: String
        let clientID: String
        let originJTI: String
        let eventID: String
        let tokenUse: String
        let scope: String
        let authTime: Int64
        let exp: Int64
        let iat: Int64
        let jti: String
        let username: String

        enum CodingKeys: String, CodingKey {
            case sub, iss, scope, exp, iat, jti, username
            case clientID = "client_id"
            case originJTI = "origin_jti"
            case eventID = "event_id"
            case tokenUse = "token_use"
            case authTime = "auth_time"
        }
    }

    /// The ID token for `session`, issued at `now` (seconds since 1970).
    func idToken(for session: LocalSession, now: Int64) throws(LocalModeError) -> String {
        let claims = IDClaims(
            sub: session.subject, emailVerified: true, iss: issuer, cognitoUsername: session.username,
            originJTI: session.originJTI, aud: clientID, eventID: session.eventID, tokenUse: "id",
            authTime: session.authTime, exp: now + lifetime, iat: now, jti: Self.randomUUID(),
            email: LocalUserDirectory.email(for: session.username))
        return try sign(claims)
    }

    /// The access token for `session`, issued at `now` (seconds since 1970).
    func accessToken(for session: LocalSession, now: Int64) throws(LocalModeError) -> String {
        let claims = AccessClaims(
            sub: session.subject, iss: issuer, clientID: clientID, originJTI: session.originJTI,
            eventID: session.eventID, tokenUse: "access", scope: "aws.cognito.signin.user.admin",
            authTime: session.authTime, exp: now + lifetime, iat: now, jti: Self.randomUUID(),
            username: session.username)
        return try sign(claims)
    }

    private func sign(_ claims: some Encodable) throws(LocalModeError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let payload: Data
        do { payload = try encoder.encode(claims) } catch {
            throw LocalModeError("encoding token claims failed: \(error)")
        }
        let header = #"{"kid":"\#(key.keyID)","alg":"RS256"}"#
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload))
        let signature: [UInt8]
        do { signature = try key.privateKey.signature(for: Array(signingInput.utf8)) } catch {
            throw LocalModeError("signing a local token failed: \(error)")
        }
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// A random (version 4) UUID in Cognito's lowercase form.
    static func randomUUID() -> String {
        var bytes = SecureRandom.bytes(count: 16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return formatUUID(bytes)
    }

    /// Formats 16 bytes as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lowercase.
    static func formatUUID(_ bytes: [UInt8]) -> String {
        let hex = Hex.encode(bytes.prefix(16))
        let characters = Array(hex)
        return String(characters[0..<8]) + "-" + String(characters[8..<12]) + "-" + String(characters[12..<16]) + "-"
            + String(characters[16..<20]) + "-" + String(characters[20..<32])
    }
}
