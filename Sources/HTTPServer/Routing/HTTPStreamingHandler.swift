/// A handler that receives a request body as it arrives instead of buffered (for multi-GB PUTs).
/// One instance serves one request and is used only on that connection's loop thread.
package protocol HTTPStreamingHandler: AnyObject {
    /// Called with the head (body empty). Return a response to reject now: the body is never
    /// read, no `100 Continue` is sent, and the connection closes after the answer.
    func head(_ request: HTTPRequest) -> HTTPResponse?
    /// Called with each piece of the body, valid only during the call. Return a response to stop:
    /// it is sent and the connection closes.
    func body(_ chunk: UnsafeRawBufferPointer) -> HTTPResponse?
    /// The body is complete; return the answer.
    func end() -> HTTPResponse
    /// The client went away or timed out before `end()`: release whatever the request held.
    func abort()
}
