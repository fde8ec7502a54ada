import Foundation
import SigV4
import Testing

@Suite("Credentials never print their secret or session token", .tags(.security))
struct RedactionTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+SECRETVALUE"
    static let token = "IQoJb3JpZ2luX2VjESESSIONTOKENVALUE"
    static let credentials = AWSCredentials(
        accessKeyID: "ASIAQWERTYUIOPASDFGH", secretAccessKey: secret, sessionToken: token,
        expiration: Date(timeIntervalSince1970: 1_795_000_000))

    static func renderings() -> [String] {
        var dumped = ""
        dump(credentials, to: &dumped)
        var dumpedArray = ""
        dump([credentials], to: &dumpedArray)
        let optional: AWSCredentials? = credentials
        return [
            "\(credentials)", String(describing: credentials), String(reflecting: credentials), dumped, dumpedArray,
            "\([credentials])", String(describing: optional), "\(["k": credentials])",
            Mirror(reflecting: credentials).children.map { "\($0.label ?? ""): \($0.value)" }.joined(),
        ]
    }

    @Test("description, debugDescription, dump and mirrors show only the key id's start")
    func redacted() {
        for text in Self.renderings() {
            #expect(!text.contains("SECRETVALUE"), "secret leaked in \(text)")
            #expect(!text.contains("SESSIONTOKENVALUE"), "token leaked in \(text)")
            #expect(!text.contains("ASIAQWERTYUIOPASDFGH"), "whole key id in \(text)")
            #expect(text.contains("ASIAQWER"))
        }
    }

    @Test("credential errors carry no secret either")
    func errorsRedacted() async throws {
        let client = FakeHTTPClient { _ in
            OutboundHTTPResponse(
                status: 200, body: Array("{\"AccessKeyId\":\"\",\"SecretAccessKey\":\"\(Self.secret)\"}".utf8))
        }
        do {
            _ = try await ContainerCredentialsProvider(
                environment: [
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN": Self.token,
                ],
                client: client, readFile: noFiles
            ).fetchCredentials()
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("SECRETVALUE"))
            #expect(!String(reflecting: error).contains("SECRETVALUE"))
        }
    }
}

extension Tag {
    @Tag static var security: Self
}
