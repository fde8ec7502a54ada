/// A refusal in S3's own terms: the error code S3 would put in `<Code>`, its message, and its status.
package struct S3AuthError: Error, Equatable, CustomStringConvertible {
    /// S3's error code (`AccessDenied`, `SignatureDoesNotMatch`, …).
    package let code: String
    /// A sentence saying what is wrong (S3's wording where S3 has one).
    package let message: String
    /// The HTTP status S3 answers with.
    package let httpStatus: Int

    /// An error from its parts (the receiver builds its own, such as `BadDigest`, the same way).
    package init(code: String, message: String, httpStatus: Int) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    package var description: String { "\(code) (\(httpStatus)): \(message)" }

    static func accessDenied(_ message: String) -> Self {
        Self(code: "AccessDenied", message: message, httpStatus: 403)
    }

    static let expired = accessDenied("Request has expired")

    static let notYetValid = accessDenied("Request is not valid yet")

    static let unsignedHeaders = accessDenied("There were headers present in the request which were not signed")

    static func signatureDoesNotMatch(_ detail: String? = nil) -> Self {
        Self(
            code: "SignatureDoesNotMatch",
            message: "The request signature we calculated does not match the signature you provided. "
                + (detail ?? "Check your key and signing method."),
            httpStatus: 403)
    }

    static let invalidAccessKeyID = Self(
        code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records.",
        httpStatus: 403)

    static func queryParameters(_ message: String) -> Self {
        Self(code: "AuthorizationQueryParametersError", message: message, httpStatus: 400)
    }

    static let invalidURI = Self(code: "InvalidURI", message: "Couldn't parse the specified URI.", httpStatus: 400)
}
