import CryptoPrimitives
import Foundation
import SigV4
import Testing

/// The S3 API reference's own examples (AKIAIOSFODNN7EXAMPLE, 2013-05-24), copied into Fixtures.
@Suite("S3 documentation examples")
struct S3DocumentationExamplesTests {
    static var document: [String: Any] { try! Fixtures.json("aws-s3-doc-examples.json") }
    static let credentials: AWSCredentials = {
        let values = document["credentials"] as! [String: String]
        return AWSCredentials(accessKeyID: values["access_key_id"]!, secretAccessKey: values["secret_access_key"]!)
    }()
    static let now = AmzDate(parsing: "20130524T000000Z")!.date

    @Test("the presigned GET example: S3Presigner produces the documented canonical request and URL")
    func presignedGet() throws {
        let example = Self.document["presigned_get"] as! [String: Any]
        let location = S3Location(
            bucket: "examplebucket", region: "us-east-1", endpoint: "https://s3.amazonaws.com",
            virtualHostedOnEndpoint: true)
        #expect(location.host == example["host"] as? String)
        let presigned = try S3Presigner(location: location).presign(
            method: "GET", key: "test.txt", headers: [], expiresIn: example["expires"] as! Int,
            credentials: Self.credentials, now: Self.now)
        let canonical = example["canonical_request"] as! String
        #expect(Hex.encode(SHA256.hash(canonical)) == example["canonical_request_sha256"] as? String)
        let query = canonical.split(separator: "\n", omittingEmptySubsequences: false)[2]
        let signature = example["signature"] as! String
        #expect(
            presigned.url == "https://examplebucket.s3.amazonaws.com/test.txt?\(query)&X-Amz-Signature=\(signature)")
        #expect(presigned.expiresIn == 86400)
        #expect(presigned.expiresAt == Self.now.addingTimeInterval(86400))
        #expect(presigned.headers.isEmpty)
    }

    static let headerCases: [(url: String, method: String, headers: [(String, String)], index: Int)] = [
        ("https://examplebucket.s3.amazonaws.com/test.txt", "GET", [("Range", "bytes=0-9")], 0),
        (
            "https://examplebucket.s3.amazonaws.com/test%24file.text", "PUT",
            [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")], 1
        ),
        ("https://examplebucket.s3.amazonaws.com/?lifecycle", "GET", [], 2),
        ("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J", "GET", [], 3),
    ]

    @Test("the header-signed examples: RequestSigner produces the documented Authorization", arguments: 0..<4)
    func headerSigned(index: Int) throws {
        let example = (Self.document["header_signed"] as! [[String: Any]])[index]
        let testCase = Self.headerCases[index]
        let payload = example["payload_sha256"] as? String ?? (Self.document["empty_payload_sha256"] as! String)
        let added = try RequestSigner(keyCache: SigningKeyCache(capacity: 2)).sign(
            method: testCase.method, url: testCase.url, headers: testCase.headers, bodySHA256Hex: payload,
            region: "us-east-1", service: "s3", credentials: Self.credentials, now: Self.now)
        let expectedAuthorization =
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=\(example["signed_headers"] as! String), Signature=\(example["signature"] as! String)"
        #expect(added.map(\.0) == ["X-Amz-Date", "X-Amz-Content-SHA256", "Authorization"])
        #expect(added.first { $0.0 == "Authorization" }?.1 == expectedAuthorization)
        #expect(added.first { $0.0 == "X-Amz-Date" }?.1 == example["x_amz_date"] as? String)
        #expect(added.first { $0.0 == "X-Amz-Content-SHA256" }?.1 == payload)
    }
}
