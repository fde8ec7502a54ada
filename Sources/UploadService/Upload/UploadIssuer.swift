package import FoundationEssentials
package import SigV4

/// Turns a verified caller and a validated request into a pre-signed PUT that can create exactly
/// one new object under the caller's prefix, with this type, this length and (if given) this
/// checksum, and never overwrite anything (`If-None-Match: *`).
package struct UploadIssuer: Sendable {
    let presigner: S3Presigner
    let credentials: any SigningCredentialsSource
    let keyBuilder: ObjectKeyBuilder
    let expiry: Int

    /// - Parameters:
    ///   - expiry: wanted URL lifetime in seconds (capped by the credentials' lifetime).
    package init(
        presigner: S3Presigner, credentials: any SigningCredentialsSource, keyBuilder: ObjectKeyBuilder, expiry: Int
    ) {
        self.presigner = presigner
        self.credentials = credentials
        self.keyBuilder = keyBuilder
        self.expiry = expiry
    }

    /// The pre-signed upload for `request` by `subject` at `now`.
    package func issue(subject: String, request: UploadRequest, now: Date) throws(UploadError) -> PresignedUpload {
        guard ObjectKeyBuilder.isUsableSubject(subject) else {
            throw .forbidden("This account cannot upload files.", reason: "subject_unusable")
        }
        guard let credentials = credentials.current() else { throw .notReady("storage credentials are not loaded") }
        let key = keyBuilder.key(subject: subject, filename: request.filename, now: now)
        var headers: [(String, String)] = [
            ("Content-Type", request.contentType),
            ("Content-Length", String(request.size)),
        ]
        if let checksum = request.checksumSHA256 { headers.append(("x-amz-checksum-sha256", checksum)) }
        headers.append(("If-None-Match", "*"))
        let signed: PresignedRequest
        do {
            signed = try presigner.presign(
                method: "PUT", key: key, headers: headers, expiresIn: expiry, credentials: credentials, now: now)
        } catch let error where error.kind == .credentialsExpireTooSoon {
            throw .credentialsExpiring
        } catch {
            var failure = UploadError.internalError
            failure.logReason = "presign_failed: \(error.message)"
            throw failure
        }
        return PresignedUpload(
            uploadUrl: signed.url, method: signed.method, key: key, filename: request.filename,
            headers: Dictionary(signed.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
            expiresAt: Self.rfc3339(signed.expiresAt), expiresIn: signed.expiresIn)
    }

    /// `2026-11-26T09:30:00Z` (whole seconds, as `Date.ISO8601FormatStyle` wrote it; formatted
    /// by hand because the format style cost microseconds per request).
    static func rfc3339(_ date: Date) -> String {
        AmzDate(date).rfc3339
    }
}
