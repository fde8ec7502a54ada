/// `GET /config.json`: what the page needs to configure itself. Public by design: ids and
/// endpoints only, nothing secret.
package struct ClientConfiguration: Sendable, Equatable, Encodable {
    package var mode: String
    package var region: String
    package var userPoolId: String
    package var clientId: String
    /// Where the page sends Cognito's `InitiateAuth` (`https://cognito-idp.<region>.amazonaws.com/`
    /// or the local endpoint).
    package var cognitoEndpoint: String
    package var uploadEndpoint: String
    package var maxUploadBytes: Int64
    package var allowedContentTypes: [String]

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
