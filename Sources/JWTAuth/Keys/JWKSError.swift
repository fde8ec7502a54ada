/// Why a JWKS could not be loaded: the fetch failed or the document is unusable. The key store
/// keeps its last good keys when this happens.
package struct JWKSError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, in a sentence.
    package let message: String

    init(_ message: String) { self.message = message }

    /// "JWKS unavailable: <message>", safe to log.
    package var description: String { "JWKS unavailable: \(message)" }
}
