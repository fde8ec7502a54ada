/// What a handler returns: a response now, or work to run off the event loop.
package enum HTTPHandlerResult: Sendable {
    /// Send this response now (the handler ran on the loop: keep it short and non-blocking).
    case respond(HTTPResponse)
    /// Run this in a `Task`, off the loop; its response is handed back to the connection's loop.
    /// Later pipelined requests on the same connection wait, so responses stay in order.
    case later(@Sendable () async -> HTTPResponse)
}

/// A buffered-body route's handler. Runs on an event loop thread; throwing is fine: errors that
/// conform to `HTTPResponseError` render themselves, anything else becomes a bare 500.
package typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPHandlerResult
