/// A JWK Set document (RFC 7517 §5), `{"keys":[…]}`, as served at
/// `<issuer>/.well-known/jwks.json`.
package struct JWKSDocument: Sendable, Equatable {
    /// The keys, in order.
    package var keys: [JWK]

    /// A document listing `keys`.
    package init(keys: [JWK]) { self.keys = keys }

    /// The document as JSON text.
    package var json: String {
        "{\"keys\":[" + keys.map(\.json).joined(separator: ",") + "]}"
    }

    /// The document as UTF-8 bytes, ready to serve or to hand to a `JWKSSource`.
    package var jsonBytes: [UInt8] { Array(json.utf8) }
}
