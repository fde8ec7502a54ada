import CFuzzerDriver
import CryptoPrimitives
import Dispatch
import Foundation
import JWTAuth

/// Fuzzes the token verifier's front end (split, base64url, strict JSON, header rules, key
/// lookup, signature, claims) through its public entry point.
///
/// Mode 0 (first byte even): the input is the token text. Nothing signed by our key can come
/// out of a fuzzer, so verification must always fail — a success would be a forgery.
/// Mode 1 (first byte odd): the input is split into a header and a payload, which are signed with
/// the real key, so the claim checks see arbitrary JSON behind a valid signature. Whatever it
/// accepts must satisfy the claim rules.
struct Harness: Sendable {
    static let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Fuzz"
    static let clientID = "fuzzclient"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    let key: RSAPrivateKey
    let verifier: CognitoTokenVerifier

    init() {
        key = try! RSAPrivateKey.generate(bits: 2048)
        let document = JWKSDocument(keys: [try! JWK(keyID: "fuzz-key", publicKey: try! key.publicKey())])
        let bytes = document.jsonBytes
        let store = JWKSKeyStore(source: .fetcher { bytes })
        let loaded = DispatchSemaphore(value: 0)
        Task {
            try! await store.load()
            loaded.signal()
        }
        loaded.wait()
        verifier = CognitoTokenVerifier(
            configuration: CognitoVerifierConfiguration(issuers: [Self.issuer], clientIDs: [Self.clientID]),
            keyStore: store, cacheCapacity: 64)
    }

    func signed(header: [UInt8], payload: [UInt8]) -> String {
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        return input + "." + Base64URL.encode(try! key.signature(for: Array(input.utf8)))
    }
}

let harness = Harness()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 0 {
        let token = String(decoding: body, as: UTF8.self)
        if (try? harness.verifier.verify(token, now: Harness.now)) != nil {
            preconditionFailure("a token not signed by our key was accepted")
        }
    } else {
        // [header length][header JSON][payload JSON]
        let rest = body.dropFirst()
        let cut = min(Int(body.first ?? 0), rest.count)
        let header = Array(rest.prefix(cut))
        let payload = Array(rest.dropFirst(cut))
        let token = harness.signed(header: header, payload: payload)
        if let verified = try? harness.verifier.verify(token, now: Harness.now) {
            precondition(verified.issuer == Harness.issuer, "accepted a foreign issuer")
            precondition(verified.clientID == Harness.clientID, "accepted a foreign client")
            precondition(verified.expiresAt > Harness.now.addingTimeInterval(-60), "accepted an expired token")
            precondition(!verified.sub.isEmpty, "accepted a token without a subject")
        }
    }
    return 0
}

@_cdecl("FuzzJWTVerifier_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    su_fuzz_run(argc, argv) { data, size in fuzz(data!, size) }
}
