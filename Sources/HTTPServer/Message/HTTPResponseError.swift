/// An error that knows its own HTTP answer. Handlers throw these; the server's single
/// error boundary renders them. Any other error becomes a bare 500 whose details go only to the log.
package protocol HTTPResponseError: Error {
    /// The response to send for this error; `requestID` is for bodies that quote it.
    func response(requestID: String) -> HTTPResponse
}
