import JWTAuth

/// An error in the shape Cognito's JSON protocol answers with: HTTP status, `__type` (also sent as
/// `x-amzn-ErrorType`) and `message`. SDKs and the page branch on `__type`, so the names are
/// Cognito's own.
struct CognitoError: Error, Sendable, Equatable {
    let type: String
    let message: String
    let status: Int

    /// Same answer for a wrong password and an unknown user, as a pool with "prevent user
    /// existence errors" gives.
    static let incorrectCredentials = CognitoError(
        type: "NotAuthorizedException", message: "Incorrect username or password.", status: 400)
    static let invalidRefreshToken = CognitoError(
        type: "NotAuthorizedException", message: "Invalid Refresh Token", status: 400)
    static let expiredRefreshToken = CognitoError(
        type: "NotAuthorizedException", message: "Refresh Token has expired", status: 400)
    static let tooManyFailedAttempts = CognitoError(
        type: "TooManyRequestsException", message: "Password attempts exceeded", status: 400)

    static func invalidParameter(_ message: String) -> CognitoError {
        CognitoError(type: "InvalidParameterException", message: message, status: 400)
    }

    static func missingParameter(_ name: String) -> CognitoError {
        invalidParameter("Missing required parameter \(name)")
    }

    /// The AWS JSON protocol's wording for a null required member.
    static func nullMember(_ member: String) -> CognitoError {
        invalidParameter(
            "1 validation error detected: Value null at '\(member)' failed to satisfy constraint: Member must not be null"
        )
    }

    static func unknownClient(_ clientID: String) -> CognitoError {
        CognitoError(
            type: "ResourceNotFoundException", message: "User pool client \(clientID) does not exist.", status: 400)
    }

    static func unknownOperation(_ target: String?) -> CognitoError {
        let message =
            target.map { "The operation \($0) is not supported by the local identity endpoint." }
            ?? "Missing X-Amz-Target header."
        return CognitoError(type: "UnknownOperationException", message: message, status: 400)
    }

    static func serialization(_ message: String) -> CognitoError {
        CognitoError(type: "SerializationException", message: message, status: 400)
    }

    static let internalError = CognitoError(
        type: "InternalErrorException", message: "An internal error occurred.", status: 500)

    /// `{"__type":"…","message":"…"}`.
    var body: [UInt8] {
        Array(#"{"__type":"\#(JSONText.escape(type))","message":"\#(JSONText.escape(message))"}"#.utf8)
    }
}
