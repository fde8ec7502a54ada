/// Where the key store reads its JWKS. JWTAuth does no network I/O: an HTTPS fetch is a
/// `fetcher` the application supplies.
package enum JWKSSource: Sendable {
    /// A local file holding a JWKS document (re-read at every refresh).
    case file(path: String)
    /// A function returning the JWKS document's bytes (for example an HTTPS GET of
    /// `<issuer>/.well-known/jwks.json`). Throws when the document cannot be fetched.
    case fetcher(@Sendable () async throws -> [UInt8])
}
