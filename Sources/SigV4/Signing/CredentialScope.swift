/// The credential scope `yyyyMMdd/<region>/<service>/aws4_request`: the string-to-sign's third line
/// and, after the access key id, the `X-Amz-Credential` value.
package struct CredentialScope: Sendable, Hashable {
    /// `yyyyMMdd`.
    package let date: String
    /// The region, such as `eu-west-1`.
    package let region: String
    /// The service, such as `s3` or `sts`.
    package let service: String

    /// The fixed last component of every scope.
    package static let terminator = "aws4_request"

    /// A scope for the day of `amzDate`.
    package init(amzDate: AmzDate, region: String, service: String) {
        self.init(date: amzDate.short, region: region, service: service)
    }

    /// A scope from its parts.
    package init(date: String, region: String, service: String) {
        self.date = date
        self.region = region
        self.service = service
    }

    /// `date/region/service/aws4_request`.
    package var string: String { date + "/" + region + "/" + service + "/" + Self.terminator }
}
