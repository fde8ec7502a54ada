/// What `CognitoTokenVerifier` accepts. Read and validated once at start-up.
package struct CognitoVerifierConfiguration: Sendable, Equatable {
    /// Accepted `iss` values, compared exactly (no prefix, suffix, case or slash folding).
    package var issuers: [String]
    /// Accepted app client ids (`aud` of ID tokens, `client_id` of access tokens).
    package var clientIDs: Set<String>
    /// Which kind of token is accepted.
    package var tokenUse: TokenUse
    /// Clock skew allowed on `exp`, `nbf` and `iat`.
    package var leeway: Duration
    /// If not empty, the token's `cognito:groups` must contain at least one of these (as
    /// aws-jwt-verify's `groups` option).
    package var requiredGroups: Set<String>
    /// If not empty, the token's `scope` must contain at least one of these (as aws-jwt-verify's
    /// `scope` option). ID tokens carry no scope, so they fail this check.
    package var requiredScopes: Set<String>
    /// Longest token accepted, checked before any other work.
    package var maxTokenBytes: Int

    /// A configuration with explicit issuers (for example moto's, or a local-mode issuer).
    package init(
        issuers: [String],
        clientIDs: Set<String>,
        tokenUse: TokenUse = .any,
        leeway: Duration = .seconds(60),
        requiredGroups: Set<String> = [],
        requiredScopes: Set<String> = [],
        maxTokenBytes: Int = 16 * 1024
    ) {
        self.issuers = issuers
        self.clientIDs = clientIDs
        self.tokenUse = tokenUse
        self.leeway = leeway
        self.requiredGroups = requiredGroups
        self.requiredScopes = requiredScopes
        self.maxTokenBytes = maxTokenBytes
    }

    /// A configuration for a Cognito user pool: its original issuer
    /// `https://cognito-idp.<region>.amazonaws.com/<pool>` and, if `acceptUpdatedIssuer`, the
    /// updated form `https://issuer-cognito-idp.<region>.amazonaws.com/<pool>` (AWS API reference,
    /// `IssuerConfigurationType`).
    package static func cognito(
        region: String,
        userPoolID: String,
        clientIDs: Set<String>,
        acceptUpdatedIssuer: Bool = true,
        tokenUse: TokenUse = .any,
        leeway: Duration = .seconds(60),
        requiredGroups: Set<String> = [],
        requiredScopes: Set<String> = []
    ) -> Self {
        var issuers = [originalIssuer(region: region, userPoolID: userPoolID)]
        if acceptUpdatedIssuer { issuers.append(updatedIssuer(region: region, userPoolID: userPoolID)) }
        return Self(
            issuers: issuers, clientIDs: clientIDs, tokenUse: tokenUse, leeway: leeway,
            requiredGroups: requiredGroups, requiredScopes: requiredScopes)
    }

    /// `https://cognito-idp.<region>.amazonaws.com/<userPoolID>`.
    package static func originalIssuer(region: String, userPoolID: String) -> String {
        "https://cognito-idp.\(region).amazonaws.com/\(userPoolID)"
    }

    /// `https://issuer-cognito-idp.<region>.amazonaws.com/<userPoolID>`.
    package static func updatedIssuer(region: String, userPoolID: String) -> String {
        "https://issuer-cognito-idp.\(region).amazonaws.com/\(userPoolID)"
    }

    /// Where an issuer publishes its keys: `<issuer>/.well-known/jwks.json`.
    package static func jwksURL(forIssuer issuer: String) -> String {
        (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/jwks.json"
    }
}
