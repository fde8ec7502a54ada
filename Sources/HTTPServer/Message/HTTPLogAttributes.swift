/// Facts a handler records about its response for the access log; never sent to the client.
///
/// Named fields rather than a dictionary: one is filled on nearly every request, and a dictionary
/// cost an allocation and two hashes per request for it.
package struct HTTPLogAttributes: Sendable, Equatable {
    /// The authenticated user (a verified token's `sub`), if any.
    package var user: String?
    /// The machine-readable error code of an error response, if any.
    package var errorCode: String?
    /// Why the request was refused, for operators (never token content), if any.
    package var reason: String?

    /// Attributes with the given facts.
    package init(user: String? = nil, errorCode: String? = nil, reason: String? = nil) {
        self.user = user
        self.errorCode = errorCode
        self.reason = reason
    }
}
