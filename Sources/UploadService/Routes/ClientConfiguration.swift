/// `GET /config.json`: what the page needs to configure itself. Public by design: ids and
/// endpoints only, nothing secret.
package struct ClientConfiguration: Sendable, Equatable, Encodable {
    /// `local` or `aws`.
    package var mode: String
    /// The AWS region.
    package var region: String
    /// The Cognito user pool id.
    package var userPoolId: String
    /// The Cognito app client id the page signs in with.
    package var clientId: String
    /// Where the page sends Cognito's `InitiateAuth` (`https://cognito-idp.<region>.amazonaws.com/`
    /// or the local endpoint).
    package var cognitoEndpoint: String
    /// Where the page asks for upload URLs (`/upload`).
    package var uploadEndpoint: String
    /// Largest file the page should offer to upload.
    package var maxUploadBytes: Int64
    /// Allowed media type patterns; empty allows any.
    package var allowedContentTypes: [String]

    /// A configuration from its parts.
    package init(
        mode: String, region: String, userPoolId: String, clientId: String, cognitoEndpoint: String,
        uploadEndpoint: String = "/upload", maxUploadBytes: Int64, allowedContentTypes: [String]
    ) {
        self.mode = mode
        self.region = region
        self.userPoolId = userPoolId
        self.clientId = clientId
        self.cognitoEndpoint = cognitoEndpoint
        self.uploadEndpoint = uploadEndpoint
        self.maxUploadBytes = maxUploadBytes
        self.allowedContentTypes = allowedContentTypes
    }
}
