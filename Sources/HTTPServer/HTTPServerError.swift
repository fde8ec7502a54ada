/// Why the server could not start.
package enum HTTPServerError: Error, CustomStringConvertible, Equatable {
    /// A setting is out of range; the text names it.
    case invalidConfiguration(String)
    /// A socket call failed; `call` names it, `errno` says why.
    case socket(call: String, errno: Int32)
    /// `start()` was called twice.
    case alreadyStarted

    /// A sentence for the operator.
    package var description: String {
        switch self {
        case .invalidConfiguration(let text): "Invalid HTTP server setting: \(text)."
        case .socket(let call, let code): "Could not listen: \(call) failed (\(System.errorText(code)))."
        case .alreadyStarted: "The HTTP server was already started."
        }
    }
}
