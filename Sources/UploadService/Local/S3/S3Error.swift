/// An error the local receiver answers with, in S3's form: status, `Code`, `Message`, and the
/// extra elements S3 adds for some codes (`Condition`, `MaxSizeAllowed`, `Header`, …). Codes and
/// statuses are S3's own ("Error responses" in the Amazon S3 API reference), so clients that branch
/// on them behave as they would against S3.
struct S3Error: Error, Sendable, Equatable {
    let status: Int
    let code: String
    let message: String
    /// Extra child elements, in order (`Condition`, `MaxSizeAllowed`, …).
    var details: [(name: String, value: String)] = []
    /// What went wrong inside, for the log only; never sent to the client.
    var internalDetail: String? = nil

    static func == (lhs: S3Error, rhs: S3Error) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message
            && lhs.details.map(\.name) == rhs.details.map(\.name)
            && lhs.details.map(\.value) == rhs.details.map(\.value)
    }

    static func accessDenied(_ message: String = "Access Denied") -> S3Error {
        S3Error(status: 403, code: "AccessDenied", message: message)
    }
    static let noSuchBucket = S3Error(status: 404, code: "NoSuchBucket", message: "The specified bucket does not exist")
    static let noSuchKey = S3Error(status: 404, code: "NoSuchKey", message: "The specified key does not exist.")
    static let missingContentLength = S3Error(
        status: 411, code: "MissingContentLength", message: "You must provide the Content-Length HTTP header.")
    static func entityTooLarge(maximum: Int64, proposed: Int64) -> S3Error {
        S3Error(
            status: 400, code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed size",
            details: [("ProposedSize", String(proposed)), ("MaxSizeAllowed", String(maximum))])
    }
    static let badDigest = S3Error(
        status: 400, code: "BadDigest",
        message: "The SHA256 you specified did not match the calculated checksum.")
    static let badContentMD5 = S3Error(
        status: 400, code: "BadDigest", message: "The Content-MD5 you specified did not match what we received.")
    static let invalidDigest = S3Error(
        status: 400, code: "InvalidDigest", message: "The Content-MD5 you specified was not valid.")
    static func invalidRequest(_ message: String) -> S3Error {
        S3Error(status: 400, code: "InvalidRequest", message: message)
    }
    static func invalidArgument(_ message: String) -> S3Error {
        S3Error(status: 400, code: "InvalidArgument", message: message)
    }
    static let invalidURI = S3Error(status: 400, code: "InvalidURI", message: "Couldn't parse the specified URI.")
    static let keyTooLong = S3Error(status: 400, code: "KeyTooLongError", message: "Your key is too long")
    static let incompleteBody = S3Error(
        status: 400, code: "IncompleteBody",
        message: "You did not provide the number of bytes specified by the Content-Length HTTP header")
    static let preconditionFailed = S3Error(
        status: 412, code: "PreconditionFailed",
        message: "At least one of the pre-conditions you specified did not hold",
        details: [("Condition", "If-None-Match")])
    static func notImplemented(header: String) -> S3Error {
        S3Error(
            status: 501, code: "NotImplemented",
            message: "A header you provided implies functionality that is not implemented",
            details: [("Header", header)])
    }
    static func methodNotAllowed(_ method: String) -> S3Error {
        S3Error(
            status: 405, code: "MethodNotAllowed",
            message: "The specified method is not allowed against this resource.",
            details: [("Method", method), ("ResourceType", "OBJECT")])
    }
    static let corsForbidden = S3Error(
        status: 403, code: "AccessForbidden",
        message: "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, "
            + "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted "
            + "by the resource's CORS spec.")
    static let internalError = S3Error(
        status: 500, code: "InternalError", message: "We encountered an internal error. Please try again.")

    /// An internal error whose cause (`detail`, e.g. an errno text) goes to the log only.
    static func internalError(_ detail: String) -> S3Error {
        var error = internalError
        error.internalDetail = detail
        return error
    }

    /// `<?xml …?><Error><Code>…</Code><Message>…</Message>[details]<Key>…</Key><RequestId>…</RequestId></Error>`.
    func xmlBody(key: String?, requestID: String) -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<Error>"
        xml += "<Code>\(Self.escape(code))</Code><Message>\(Self.escape(message))</Message>"
        for detail in details { xml += "<\(detail.name)>\(Self.escape(detail.value))</\(detail.name)>" }
        if let key { xml += "<Key>\(Self.escape(key))</Key>" }
        xml += "<RequestId>\(Self.escape(requestID))</RequestId></Error>"
        return Array(xml.utf8)
    }

    /// XML 1.0 character data: markup characters escaped, and characters XML cannot carry at all
    /// (C0 controls other than tab/LF/CR) replaced by U+FFFD so the document stays well-formed.
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            case "\t", "\n", "\r": output.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: output += "\u{FFFD}"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
