/// What an upload may be: the limits that `POST /upload` enforces before it signs anything.
package struct UploadPolicy: Sendable, Equatable {
    /// S3's limit for a single PUT (5 GiB); larger objects need multipart uploads.
    package static let singlePutLimit: Int64 = 5_368_709_120
    /// Longest accepted original filename, in UTF-8 bytes.
    package static let maximumFilenameBytes = 255
    /// Longest accepted content type, in bytes.
    package static let maximumContentTypeBytes = 255

    /// Largest accepted file, in bytes.
    package var maxUploadBytes: Int64
    /// Allowed content types; empty means any.
    package var allowedContentTypes: [MediaTypePattern]

    /// A policy; the defaults are S3's single-PUT limit and any type.
    package init(maxUploadBytes: Int64 = UploadPolicy.singlePutLimit, allowedContentTypes: [MediaTypePattern] = []) {
        self.maxUploadBytes = maxUploadBytes
        self.allowedContentTypes = allowedContentTypes
    }

    /// Whether `contentType` (a syntactically valid media type) may be uploaded.
    package func allows(contentType: String) -> Bool {
        allowedContentTypes.isEmpty || allowedContentTypes.contains { $0.matches(contentType) }
    }
}
