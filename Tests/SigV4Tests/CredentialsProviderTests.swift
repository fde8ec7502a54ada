import Foundation
import SigV4
import Synchronization
import Testing

let providerNow = Date(timeIntervalSince1970: 1_795_000_000)
let noFiles: @Sendable (String) throws -> [UInt8] = { path in throw TestEnvironmentError("no file \(path)") }

@Suite("Environment credentials")
struct EnvironmentProviderTests {
    @Test("reads the key pair, the session token and the expiration")
    func readsEnvironment() async throws {
        let credentials = try await EnvironmentCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "ASIAENV", "AWS_SECRET_ACCESS_KEY": "envSecret", "AWS_SESSION_TOKEN": "envToken",
            "AWS_CREDENTIAL_EXPIRATION": "2026-11-26T10:00:00Z",
        ]).fetchCredentials()
        #expect(credentials.accessKeyID == "ASIAENV")
        #expect(credentials.secretAccessKey == "envSecret")
        #expect(credentials.sessionToken == "envToken")
        #expect(credentials.expiration == ISO8601DateFormatter().date(from: "2026-11-26T10:00:00Z"))
    }

    @Test("a half-set pair is an error naming the missing variable")
    func halfSetPair() {
        #expect(throws: CredentialsError.self) {
            try EnvironmentCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "AKIA"]).credentials()
        }
        do {
            _ = try EnvironmentCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "AKIA"]).credentials()
        } catch {
            #expect(error.kind == .failed)
            #expect(error.reason.contains("AWS_SECRET_ACCESS_KEY is not"))
        }
    }
}

@Suite("ECS/EKS container credentials against a fake endpoint")
struct ContainerProviderTests {
    static let expiration = providerNow.addingTimeInterval(6 * 3600)

    static func fake(expectingAuthorization: String? = nil) -> FakeHTTPClient {
        FakeHTTPClient { request in
            if let expectingAuthorization, request.header("Authorization") != expectingAuthorization {
                return OutboundHTTPResponse(status: 401)
            }
            return OutboundHTTPResponse(
                status: 200,
                body: credentialsJSON(
                    accessKeyID: "ASIAECS", secret: "ecsSecret", token: "ecs/Token+==", expiration: rfc3339(expiration))
            )
        }
    }

    @Test("the relative URI is fetched from 169.254.170.2 and the JSON parsed")
    func relativeURI() async throws {
        let client = Self.fake()
        let credentials = try await ContainerCredentialsProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task-1"], client: client,
            readFile: noFiles
        ).fetchCredentials()
        #expect(client.summary == ["GET http://169.254.170.2/v2/credentials/task-1"])
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyID: "ASIAECS", secretAccessKey: "ecsSecret", sessionToken: "ecs/Token+==",
                    expiration: Self.expiration))
    }

    @Test("the full URI carries the token file's content, re-read on every fetch (EKS rotates it)")
    func fullURIWithTokenFile() async throws {
        let fileContent = Mutex("token-one\n")
        let client = FakeHTTPClient { request in
            OutboundHTTPResponse(
                status: 200,
                body: credentialsJSON(
                    accessKeyID: "ASIAEKS", secret: "s", token: request.header("Authorization") ?? "none",
                    expiration: "2026-11-26T10:00:00Z"))
        }
        let provider = ContainerCredentialsProvider(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/secrets/token",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored-when-file-set",
            ], client: client,
            readFile: { path in
                #expect(path == "/var/run/secrets/token")
                return Array(fileContent.withLock { $0 }.utf8)
            })
        #expect(try await provider.fetchCredentials().sessionToken == "token-one")
        fileContent.withLock { $0 = "token-two" }
        #expect(try await provider.fetchCredentials().sessionToken == "token-two")
        #expect(client.requests.map { $0.header("Authorization") } == ["token-one", "token-two"])
    }

    @Test(
        "a full URI over plain HTTP is allowed only to loopback and the container hosts",
        arguments: [
            ("http://127.0.0.1:51679/creds", true), ("http://127.3.2.1/creds", true), ("http://[::1]:80/creds", true),
            ("http://localhost:8080/creds", true), ("http://169.254.170.2/creds", true),
            ("http://169.254.170.23/v1/credentials", true), ("http://[fd00:ec2::23]/v1/credentials", true),
            ("https://credentials.example.com/creds", true), ("http://169.254.169.254/latest/meta-data", false),
            ("http://evil.example.com/creds", false), ("http://127.0.0.1.evil.example/creds", false),
            ("http://user@127.0.0.1/creds", false), ("ftp://127.0.0.1/creds", false),
        ])
    func fullURIHostRule(uri: String, allowed: Bool) async throws {
        let client = Self.fake(expectingAuthorization: "Bearer abc")
        let provider = ContainerCredentialsProvider(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer abc",
            ],
            client: client, readFile: noFiles)
        if allowed {
            #expect(try await provider.fetchCredentials().accessKeyID == "ASIAECS")
        } else {
            await #expect(throws: CredentialsError.self) { try await provider.fetchCredentials() }
            #expect(client.requests.isEmpty, "the token must not be sent to \(uri)")
        }
    }

    @Test(
        "a credentials answer is read member by member: wrong shapes are named errors, never half-read credentials",
        arguments: [
            (#"["AccessKeyId"]"#, "is not a JSON object"),
            ("<html>Login</html>", "is not a JSON object"),
            (#"{"AccessKeyId":"ASIAECS","SecretAccessKey":"s""#, "is not a JSON object"),
            (#"{"Code":"Expired","AccessKeyId":"ASIAECS","SecretAccessKey":"s"}"#, #"Code "Expired""#),
            (#"{"AccessKeyId":12,"SecretAccessKey":"s"}"#, "lacks AccessKeyId or SecretAccessKey"),
            (#"{"AccessKeyId":"ASIAECS","SecretAccessKey":""}"#, "lacks AccessKeyId or SecretAccessKey"),
            (#"{"AccessKeyId":"ASIAECS","SecretAccessKey":null}"#, "lacks AccessKeyId or SecretAccessKey"),
            (#"{"AccessKeyId":"ASIAECS","SecretAccessKey":"s","Expiration":"tomorrow"}"#, "not an RFC 3339"),
        ])
    func malformedAnswers(body: String, reason: String) async throws {
        let provider = ContainerCredentialsProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"],
            client: FakeHTTPClient { _ in OutboundHTTPResponse(status: 200, body: Array(body.utf8)) }, readFile: noFiles
        )
        do {
            _ = try await provider.fetchCredentials()
            Issue.record("expected an error for \(body)")
        } catch let error as CredentialsError {
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }

    @Test("members of other types than strings are ignored like absent ones, and an empty Token means none")
    func lenientOptionalMembers() async throws {
        let body =
            #"{"Code":"Success","AccessKeyId":"ASIAECS","SecretAccessKey":"s","Token":"","Type":7,"#
            + #""LastUpdated":null,"Expiration":"2026-11-26T10:00:00Z"}"#
        let credentials = try await ContainerCredentialsProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"],
            client: FakeHTTPClient { _ in OutboundHTTPResponse(status: 200, body: Array(body.utf8)) }, readFile: noFiles
        ).fetchCredentials()
        #expect(credentials.accessKeyID == "ASIAECS")
        #expect(credentials.sessionToken == nil)
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_795_687_200))
    }

    @Test("an error status is reported with the status")
    func errorStatus() async throws {
        let provider = ContainerCredentialsProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"],
            client: FakeHTTPClient { _ in OutboundHTTPResponse(status: 500) }, readFile: noFiles)
        do {
            _ = try await provider.fetchCredentials()
            Issue.record("expected an error")
        } catch let error as CredentialsError {
            #expect(error.reason.contains("HTTP 500"))
        }
    }
}

/// A fake IMDSv2: token PUT with a TTL header, then GETs that need the token.
final class FakeIMDS: Sendable {
    final class State: Sendable {
        let value = Mutex((issued: 0, valid: Set<String>(), failTokenWith: Int?.none))
    }
    private let state = State()
    let client: FakeHTTPClient
    static let expiration = providerNow.addingTimeInterval(6 * 3600)

    init(failTokenWith status: Int? = nil) {
        let state = self.state
        state.value.withLock { $0.failTokenWith = status }
        client = FakeHTTPClient { request in
            let path = String(request.url.dropFirst("http://169.254.169.254".count))
            if request.method == "PUT" && path == "/latest/api/token" {
                if let status = state.value.withLock({ $0.failTokenWith }) {
                    return OutboundHTTPResponse(status: status)
                }
                guard request.header("X-aws-ec2-metadata-token-ttl-seconds") == "21600" else {
                    return OutboundHTTPResponse(status: 400)
                }
                let token = state.value.withLock { state -> String in
                    state.issued += 1
                    state.valid.insert("imds-token-\(state.issued)")
                    return "imds-token-\(state.issued)"
                }
                return OutboundHTTPResponse(status: 200, body: Array(token.utf8))
            }
            guard request.method == "GET" else { return OutboundHTTPResponse(status: 405) }
            // IMDSv1 (no token) is disabled on this instance, as it should be.
            guard let token = request.header("X-aws-ec2-metadata-token"),
                state.value.withLock({ $0.valid.contains(token) })
            else { return OutboundHTTPResponse(status: 401) }
            switch path {
            case "/latest/meta-data/iam/security-credentials/":
                return OutboundHTTPResponse(status: 200, body: Array("secure-upload-role\n".utf8))
            case "/latest/meta-data/iam/security-credentials/secure-upload-role":
                return OutboundHTTPResponse(
                    status: 200,
                    body: credentialsJSON(
                        accessKeyID: "ASIAIMDS", secret: "imdsSecret", token: "imdsSessionToken",
                        expiration: rfc3339(FakeIMDS.expiration), imds: true))
            default: return OutboundHTTPResponse(status: 404)
            }
        }
    }

    /// Makes every issued token invalid (as when it expires).
    func expireTokens() { state.value.withLock { $0.valid.removeAll() } }
}

@Suite("EC2 instance metadata (IMDSv2) against a fake endpoint")
struct InstanceMetadataProviderTests {
    @Test("token PUT with the TTL header, then the role name and the credentials with the token header")
    func tokenFlow() async throws {
        let imds = FakeIMDS()
        let provider = InstanceMetadataCredentialsProvider(environment: [:], client: imds.client, now: { providerNow })
        let credentials = try await provider.fetchCredentials()
        #expect(credentials.accessKeyID == "ASIAIMDS")
        #expect(credentials.sessionToken == "imdsSessionToken")
        #expect(credentials.expiration == FakeIMDS.expiration)
        #expect(
            imds.client.summary == [
                "PUT http://169.254.169.254/latest/api/token",
                "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/secure-upload-role",
            ])
        #expect(imds.client.requests[1].header("X-aws-ec2-metadata-token") == "imds-token-1")
        #expect(imds.client.requests[2].header("X-aws-ec2-metadata-token") == "imds-token-1")
    }

    @Test("the token is reused while valid, and a 401 fetches a new one")
    func tokenReuseAndRenewal() async throws {
        let imds = FakeIMDS()
        let provider = InstanceMetadataCredentialsProvider(environment: [:], client: imds.client, now: { providerNow })
        _ = try await provider.fetchCredentials()
        _ = try await provider.fetchCredentials()
        #expect(imds.client.requests.filter { $0.method == "PUT" }.count == 1)
        imds.expireTokens()
        let credentials = try await provider.fetchCredentials()
        #expect(credentials.accessKeyID == "ASIAIMDS")
        #expect(imds.client.requests.filter { $0.method == "PUT" }.count == 2)
        #expect(imds.client.requests.last?.header("X-aws-ec2-metadata-token") == "imds-token-2")
    }

    @Test("a refused token request is an error and no IMDSv1 request is made", arguments: [403, 404, 405])
    func noFallbackToV1(status: Int) async throws {
        let imds = FakeIMDS(failTokenWith: status)
        let provider = InstanceMetadataCredentialsProvider(environment: [:], client: imds.client, now: { providerNow })
        do {
            _ = try await provider.fetchCredentials()
            Issue.record("expected an error")
        } catch let error as CredentialsError {
            #expect(error.reason.contains("HTTP \(status)"))
            #expect(error.reason.contains("IMDSv1 fall back is disabled"))
        }
        #expect(imds.client.requests.allSatisfy { $0.method == "PUT" })
    }

    @Test("AWS_EC2_METADATA_DISABLED=true turns it off without a request")
    func disabled() async throws {
        let imds = FakeIMDS()
        let provider = InstanceMetadataCredentialsProvider(
            environment: ["AWS_EC2_METADATA_DISABLED": "true"], client: imds.client, now: { providerNow })
        await #expect(throws: CredentialsError.self) { try await provider.fetchCredentials() }
        #expect(imds.client.requests.isEmpty)
    }
}

/// A fake STS answering AssumeRoleWithWebIdentity with the documented XML.
func fakeSTS(expectedToken: String, expiration: Date) -> FakeHTTPClient {
    FakeHTTPClient { request in
        let form = Dictionary(
            uniqueKeysWithValues: String(decoding: request.body, as: UTF8.self).split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map {
                    String(decoding: URIEncoding.decode($0)!, as: UTF8.self)
                }
                return (parts[0], parts.count > 1 ? parts[1] : "")
            })
        guard request.method == "POST", form["Action"] == "AssumeRoleWithWebIdentity",
            form["Version"] == "2011-06-15", form["WebIdentityToken"] == expectedToken
        else {
            return OutboundHTTPResponse(
                status: 400,
                body: Array(
                    """
                    <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>
                      <Message>Couldn't retrieve verification key from your identity provider</Message></Error>
                      <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
                    </ErrorResponse>
                    """.utf8))
        }
        let xml = """
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>system:serviceaccount:uploads:secure-upload</SubjectFromWebIdentityToken>
                <AssumedRoleUser>
                  <Arn>arn:aws:sts::123456789012:assumed-role/\(form["RoleArn"]!.split(separator: "/").last!)/\(form["RoleSessionName"]!)</Arn>
                  <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:\(form["RoleSessionName"]!)</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <SessionToken>FwoGZXIvYXdzE&amp;Token/+=</SessionToken>
                  <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
                  <Expiration>\(rfc3339(expiration))</Expiration>
                  <AccessKeyId>ASIAWEBIDENTITY</AccessKeyId>
                </Credentials>
                <Provider>oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE</Provider>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """
        return OutboundHTTPResponse(status: 200, body: Array(xml.utf8))
    }
}

@Suite("Web identity (STS AssumeRoleWithWebIdentity) against a fake STS")
struct WebIdentityProviderTests {
    static let environment = [
        "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
        "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/secure-upload", "AWS_REGION": "eu-west-1",
    ]

    @Test("the token file is exchanged at the regional STS endpoint and the XML parsed")
    func exchangesToken() async throws {
        let expiration = providerNow.addingTimeInterval(3600)
        let client = fakeSTS(expectedToken: "eyJhbGciOiJSUzI1NiJ9.jwt.sig", expiration: expiration)
        let provider = WebIdentityCredentialsProvider(
            environment: Self.environment, client: client,
            readFile: { _ in Array("eyJhbGciOiJSUzI1NiJ9.jwt.sig\n".utf8) }, now: { providerNow })
        let credentials = try await provider.fetchCredentials()
        #expect(client.summary == ["POST https://sts.eu-west-1.amazonaws.com/"])
        #expect(credentials.accessKeyID == "ASIAWEBIDENTITY")
        #expect(credentials.sessionToken == "FwoGZXIvYXdzE&Token/+=")
        #expect(credentials.expiration == expiration)
        let body = String(decoding: client.requests[0].body, as: UTF8.self)
        #expect(body.contains("RoleSessionName=secure-upload-1795000000000"))
        #expect(body.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fsecure-upload"))
    }

    @Test("an STS error names the STS code and message")
    func stsError() async throws {
        let client = fakeSTS(expectedToken: "other", expiration: providerNow)
        let provider = WebIdentityCredentialsProvider(
            environment: Self.environment.merging(["AWS_ROLE_SESSION_NAME": "my-session"]) { $1 }, client: client,
            readFile: { _ in Array("jwt".utf8) }, now: { providerNow })
        do {
            _ = try await provider.fetchCredentials()
            Issue.record("expected an error")
        } catch let error as CredentialsError {
            #expect(error.reason.contains("HTTP 400"))
            #expect(error.reason.contains("InvalidIdentityToken"))
            #expect(!error.description.contains("jwt"))
        }
    }
}

@Suite("The standard provider chain")
struct ProviderChainTests {
    @Test("with nothing configured, the error names every provider tried and why")
    func noCredentials() async throws {
        let client = FakeHTTPClient { _ in throw ConnectionRefused() }
        let chain = CredentialsProviderChain.standard(
            environment: [:], client: client, readFile: noFiles, now: { providerNow })
        do {
            _ = try await chain.fetchCredentials()
            Issue.record("expected an error")
        } catch let error as CredentialsError {
            #expect(error.kind == .noCredentials)
            #expect(
                error.attempts.map(\.provider) == [
                    "environment", "web identity (STS AssumeRoleWithWebIdentity)", "container (ECS/EKS)",
                    "EC2 instance metadata (IMDSv2)",
                ])
            let text = error.description
            #expect(
                text.hasPrefix(
                    "no AWS credentials found; tried environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set)"
                ))
            #expect(text.contains("AWS_WEB_IDENTITY_TOKEN_FILE is not set"))
            #expect(
                text.contains(
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"))
            #expect(text.contains("the instance metadata endpoint is unreachable: connection refused"))
        }
        #expect(client.summary == ["PUT http://169.254.169.254/latest/api/token"])
    }

    @Test("the environment wins and nothing is fetched")
    func environmentFirst() async throws {
        let client = FakeHTTPClient { _ in throw ConnectionRefused() }
        let chain = CredentialsProviderChain.standard(
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x",
            ], client: client, readFile: noFiles)
        #expect(try await chain.fetchCredentials().accessKeyID == "AKIAENV")
        #expect(client.requests.isEmpty)
    }

    @Test("the container provider is used in ECS, before instance metadata")
    func containerBeforeIMDS() async throws {
        let client = ContainerProviderTests.fake()
        let chain = CredentialsProviderChain.standard(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/task"], client: client, readFile: noFiles)
        #expect(try await chain.fetchCredentials().accessKeyID == "ASIAECS")
        #expect(client.summary == ["GET http://169.254.170.2/v2/task"])
    }

    @Test("temporary credentials put their session token inside the signed URL, and the verifier accepts it")
    func sessionTokenInURL() async throws {
        let chain = CredentialsProviderChain.standard(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/task"], client: ContainerProviderTests.fake(),
            readFile: noFiles)
        let credentials = try await chain.fetchCredentials()
        let presigned = try S3Presigner(location: S3Location(bucket: "uploads", region: "eu-west-1")).presign(
            method: "PUT", key: "a.txt", headers: [], expiresIn: 300, credentials: credentials, now: providerNow)
        #expect(presigned.url.contains("&X-Amz-Security-Token=ecs%2FToken%2B%3D%3D&X-Amz-Signature="))
        let (path, query) = splitURL(presigned.url)
        let verified = PresignedRequestVerifier(region: "eu-west-1").verify(
            method: "PUT", rawPath: path, rawQuery: query, headers: [("Host", "uploads.s3.eu-west-1.amazonaws.com")],
            now: providerNow, secretFor: { $0 == "ASIAECS" ? "ecsSecret" : nil })
        #expect((try verified.get()).securityToken == "ecs/Token+==")
    }

    @Test("a URL never outlives its credentials: expiry capped, or refused when too short")
    func expiryCappedByCredentials() throws {
        let presigner = S3Presigner(location: S3Location(bucket: "uploads", region: "eu-west-1"))
        let tenMinutes = AWSCredentials(
            accessKeyID: "ASIA", secretAccessKey: "s", sessionToken: "t",
            expiration: providerNow.addingTimeInterval(600))
        let capped = try presigner.presign(
            method: "PUT", key: "a", headers: [], expiresIn: 3600, credentials: tenMinutes, now: providerNow)
        #expect(capped.expiresIn == 540)
        #expect(capped.url.contains("X-Amz-Expires=540&"))
        #expect(capped.expiresAt <= tenMinutes.expiration!.addingTimeInterval(-60))
        let shortLived = AWSCredentials(
            accessKeyID: "ASIA", secretAccessKey: "s", sessionToken: "t", expiration: providerNow.addingTimeInterval(90)
        )
        #expect(throws: SigV4Error.self) {
            try presigner.presign(
                method: "PUT", key: "a", headers: [], expiresIn: 3600, credentials: shortLived, now: providerNow)
        }
        do {
            _ = try presigner.presign(
                method: "PUT", key: "a", headers: [], expiresIn: 3600, credentials: shortLived, now: providerNow)
        } catch {
            #expect(error.kind == .credentialsExpireTooSoon)
        }
        let uncapped = try presigner.presign(
            method: "PUT", key: "a", headers: [], expiresIn: 300, credentials: tenMinutes, now: providerNow)
        #expect(uncapped.expiresIn == 300)
    }
}

/// Splits a URL into its raw path and raw query.
func splitURL(_ url: String) -> (path: String, query: String) {
    let afterScheme = url.range(of: "://")!.upperBound
    let pathStart = url[afterScheme...].firstIndex(of: "/")!
    let target = url[pathStart...]
    let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
}
