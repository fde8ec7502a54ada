/// Why a token was refused. `reason` is a stable code for logs and metrics; `description` says
/// which rule failed in a sentence. Neither ever contains the token or any part of it, so both
/// may be logged. The HTTP layer answers every one of these with the same bare 401.
package struct JWTError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The rule that failed. Raw values are snake_case and stable: they are metric labels.
    package enum Reason: String, Sendable, CaseIterable {
        /// Longer than `CognitoVerifierConfiguration.maxTokenBytes`; refused before any parsing.
        case tokenTooLarge = "token_too_large"
        /// Not three strict base64url parts, or a header or payload that is not one JSON object
        /// (including duplicate member names).
        case malformed
        /// The header's `alg` is not `RS256`.
        case algorithmNotAllowed = "algorithm_not_allowed"
        /// The header carries `crit`, `jku`, `x5u`, `jwk` or `x5c`.
        case headerNotAllowed = "header_not_allowed"
        /// The header has no `kid`.
        case missingKeyID = "missing_key_id"
        /// No key with the token's `kid` in the JWKS.
        case unknownKey = "unknown_key"
        /// The JWKS has a key with this `kid`, but it may not verify RS256 (wrong `kty`, `use`,
        /// `alg` or `key_ops`, a modulus under 2048 bits, or a `kid` listed twice).
        case keyNotAllowed = "key_not_allowed"
        /// The key store has never loaded a JWKS.
        case keysUnavailable = "keys_unavailable"
        /// The RS256 signature does not verify.
        case badSignature = "bad_signature"
        /// `iss` is not one of the configured issuers.
        case wrongIssuer = "wrong_issuer"
        /// An ID token's `aud` or an access token's `client_id` is not a configured app client.
        case wrongAudience = "wrong_audience"
        /// `token_use` is not the configured kind.
        case wrongTokenUse = "wrong_token_use"
        /// `exp` (plus leeway) has passed.
        case expired
        /// `nbf` (minus leeway) is still ahead.
        case notYetValid = "not_yet_valid"
        /// `iat` (minus leeway) is in the future.
        case issuedInFuture = "issued_in_future"
        /// A required claim is absent.
        case missingClaim = "missing_claim"
        /// A claim has the wrong JSON type or an unusable value.
        case invalidClaim = "invalid_claim"
        /// None of the required groups is in `cognito:groups`.
        case groupRequired = "group_required"
        /// None of the required scopes is in `scope`.
        case scopeRequired = "scope_required"
    }

    /// The rule that failed.
    package let reason: Reason
    /// What failed, in a sentence. Never contains the token.
    package let detail: String
    /// The token's `kid` when `reason` is `.unknownKey`, so that the caller can refetch keys.
    /// Attacker-chosen text: never logged, never in `description`.
    let keyID: String?

    init(_ reason: Reason, _ detail: String, keyID: String? = nil) {
        self.reason = reason
        self.detail = detail
        self.keyID = keyID
    }

    /// "token refused (<code>): <detail>", safe to log.
    package var description: String { "token refused (\(reason.rawValue)): \(detail)" }

    /// Equal when the reason and detail are (the internal `kid` is not compared).
    package static func == (lhs: JWTError, rhs: JWTError) -> Bool {
        lhs.reason == rhs.reason && lhs.detail == rhs.detail
    }
}
