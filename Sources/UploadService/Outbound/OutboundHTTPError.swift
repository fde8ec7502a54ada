/// Why an outbound request failed before any response (the URL is not part of the message:
/// it could carry a token in its query).
package struct OutboundHTTPError: Error, CustomStringConvertible {
    /// What failed.
    package var message: String
    /// The message, prefixed.
    package var description: String { "outbound HTTP request failed: \(message)" }
}
