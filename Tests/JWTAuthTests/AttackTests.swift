import CryptoPrimitives
import Foundation
import JWTAuth
import Testing

/// The attack table of issue 3: each attack its own test, each refused for the stated reason.
@Suite("Attacks are refused", .tags(.security))
struct AttackTests {
    let signer = TestKeys.primary

    /// A token whose header is `header` (raw JSON) over valid ID claims, signed by the real key.
    func token(headerJSON: String) -> String {
        signer.token(headerJSON: headerJSON, payloadJSON: TestSigner.json(Cognito.idClaims()))
    }

    @Test("the unmodified token is accepted (control for every attack below)")
    func control() async throws {
        let verifier = try await Cognito.verifier()
        let verified = try verifier.verify(signer.token(Cognito.idClaims()), now: Cognito.now)
        #expect(verified.sub == "7d8ca528-4931-4254-9273-ea5ee853f271")
    }

    // MARK: - Algorithm

    @Test("alg none with an empty signature is refused")
    func algNone() async throws {
        let verifier = try await Cognito.verifier()
        let unsigned =
            Base64URL.encode(Array(#"{"alg":"none","kid":"key-1"}"#.utf8)) + "."
            + Base64URL.encode(Array(TestSigner.json(Cognito.idClaims()).utf8)) + "."
        expectRefused(unsigned, .algorithmNotAllowed, by: verifier)
    }

    @Test("alg none, None and NONE are refused even with a real RS256 signature attached")
    func algNoneVariants() async throws {
        let verifier = try await Cognito.verifier()
        for alg in ["none", "None", "NONE", "nOnE"] {
            expectRefused(token(headerJSON: #"{"alg":"\#(alg)","kid":"key-1"}"#), .algorithmNotAllowed, by: verifier)
        }
    }

    @Test("alg HS256 with an HMAC keyed by the RSA public key (in every common encoding) is refused")
    func hs256KeyConfusion() async throws {
        let verifier = try await Cognito.verifier()
        let (modulus, _) = try signer.publicKey.components()
        let keyEncodings: [[UInt8]] = [
            Array(signer.jwk.json.utf8), modulus, Array(Base64URL.encode(modulus).utf8),
            Array(JWKSDocument(keys: [signer.jwk]).json.utf8),
        ]
        let signingInput =
            Base64URL.encode(Array(#"{"alg":"HS256","kid":"key-1"}"#.utf8)) + "."
            + Base64URL.encode(Array(TestSigner.json(Cognito.idClaims()).utf8))
        for key in keyEncodings {
            let mac = HMACSHA256.authenticate(signingInput, key: key)
            expectRefused(signingInput + "." + Base64URL.encode(mac), .algorithmNotAllowed, by: verifier)
        }
    }

    @Test("alg RS512 is refused")
    func rs512() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(token(headerJSON: #"{"alg":"RS512","kid":"key-1"}"#), .algorithmNotAllowed, by: verifier)
    }

    @Test("alg PS256 is refused")
    func ps256() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(token(headerJSON: #"{"alg":"PS256","kid":"key-1"}"#), .algorithmNotAllowed, by: verifier)
    }

    @Test("alg ES256 is refused")
    func es256() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(token(headerJSON: #"{"alg":"ES256","kid":"key-1"}"#), .algorithmNotAllowed, by: verifier)
    }

    @Test(
        "alg spelled other than exactly RS256, or not a string, or absent, is refused",
        arguments: [
            #"{"alg":"rs256","kid":"key-1"}"#, #"{"alg":"RS256 ","kid":"key-1"}"#, #"{"alg":"RS384","kid":"key-1"}"#,
            #"{"alg":["RS256"],"kid":"key-1"}"#, #"{"alg":null,"kid":"key-1"}"#, #"{"kid":"key-1"}"#,
            #"{"alg":"RS256\u0000","kid":"key-1"}"#,
        ])
    func algorithmSpellings(header: String) async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(token(headerJSON: header), .algorithmNotAllowed, by: verifier)
    }

    // MARK: - Key selection

    @Test("a token without kid is refused (no default key)")
    func missingKeyID() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(token(headerJSON: #"{"alg":"RS256"}"#), .missingKeyID, by: verifier)
    }

    @Test("a token with an unknown kid is refused, even though another key would verify it (no try-every-key)")
    func unknownKeyID() async throws {
        let verifier = try await Cognito.verifier()
        let token = signer.renamed("key-unknown").token(Cognito.idClaims())
        expectRefused(token, .unknownKey, by: verifier)
        await #expect(throws: JWTError.self) { try await verifier.verifyRefreshingKeys(token, now: Cognito.now) }
    }

    @Test("a kid that is empty or not a string is refused")
    func malformedKeyID() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(token(headerJSON: #"{"alg":"RS256","kid":""}"#), .malformed, by: verifier)
        expectRefused(token(headerJSON: #"{"alg":"RS256","kid":1}"#), .malformed, by: verifier)
    }

    @Test("an embedded jwk header is refused, even when it holds the attacker's key and names a real kid")
    func embeddedJWK() async throws {
        let verifier = try await Cognito.verifier()
        let attacker = TestKeys.attacker
        let header = TestSigner.json([
            "alg": "RS256", "kid": "key-1",
            "jwk": ["kty": "RSA", "kid": "key-1", "n": Base64URL.encode(attacker.jwk.modulus), "e": "AQAB"],
        ])
        let forged = attacker.token(headerJSON: header, payloadJSON: TestSigner.json(Cognito.idClaims()))
        expectRefused(forged, .headerNotAllowed, by: verifier)
    }

    @Test("a jku header is refused")
    func jku() async throws {
        let verifier = try await Cognito.verifier()
        let header = #"{"alg":"RS256","jku":"https://attacker.example/jwks.json","kid":"key-1"}"#
        expectRefused(token(headerJSON: header), .headerNotAllowed, by: verifier)
    }

    @Test("an x5u header is refused")
    func x5u() async throws {
        let verifier = try await Cognito.verifier()
        let header = #"{"alg":"RS256","kid":"key-1","x5u":"https://attacker.example/cert.pem"}"#
        expectRefused(token(headerJSON: header), .headerNotAllowed, by: verifier)
    }

    @Test("x5c and crit headers are refused")
    func x5cAndCrit() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(
            token(headerJSON: #"{"alg":"RS256","kid":"key-1","x5c":["MIIB"]}"#), .headerNotAllowed, by: verifier)
        expectRefused(
            token(headerJSON: #"{"alg":"RS256","b64":false,"crit":["b64"],"kid":"key-1"}"#), .headerNotAllowed,
            by: verifier)
    }

    // MARK: - Integrity

    @Test("a modified header (one bit of one character, kid and alg intact) is refused")
    func modifiedHeader() async throws {
        let verifier = try await Cognito.verifier()
        let original = token(headerJSON: #"{"alg":"RS256","kid":"key-1","typ":"JWT"}"#)
        let changedHeader = Base64URL.encode(Array(#"{"alg":"RS256","kid":"key-1","typ":"JWS"}"#.utf8))
        expectRefused(original.replacingPart(0, with: changedHeader), .badSignature, by: verifier)
    }

    @Test("a payload with one bit flipped is refused")
    func modifiedPayload() async throws {
        let verifier = try await Cognito.verifier()
        let original = signer.token(Cognito.idClaims())
        var payload = try #require(Base64URL.decode(original.part(1)))
        // Flip one bit inside the sub value: still valid JSON, different claims.
        let position = try #require(payload.firstIndex(of: UInt8(ascii: "7")))
        payload[position] ^= 0x01
        expectRefused(original.replacingPart(1, with: Base64URL.encode(payload)), .badSignature, by: verifier)
    }

    @Test("a signature with any one bit flipped is refused")
    func modifiedSignature() async throws {
        let verifier = try await Cognito.verifier()
        let original = signer.token(Cognito.idClaims())
        let signature = try #require(Base64URL.decode(original.part(2)))
        for position in [0, 1, 128, 254, 255] {
            for bit in [0, 7] {
                var changed = signature
                changed[position] ^= UInt8(1 << bit)
                expectRefused(original.replacingPart(2, with: Base64URL.encode(changed)), .badSignature, by: verifier)
            }
        }
    }

    @Test("a signature from another key presented under the real key's kid is refused")
    func signatureFromAnotherKeyWithSameKeyID() async throws {
        let verifier = try await Cognito.verifier()
        let forged = TestKeys.attacker.token(Cognito.idClaims())
        expectRefused(forged, .badSignature, by: verifier)
    }

    @Test("a truncated or extended signature is refused")
    func truncatedSignature() async throws {
        let verifier = try await Cognito.verifier()
        let original = signer.token(Cognito.idClaims())
        let signature = try #require(Base64URL.decode(original.part(2)))
        for changed in [
            Array(signature.dropLast()), Array(signature.dropFirst()), Array(signature.prefix(128)), [0] + signature,
            signature + [0],
        ] {
            expectRefused(original.replacingPart(2, with: Base64URL.encode(changed)), .badSignature, by: verifier)
        }
        expectRefused(original.replacingPart(2, with: ""), .badSignature, by: verifier)
    }

    // MARK: - Structure

    @Test("extra parts are refused")
    func extraParts() async throws {
        let verifier = try await Cognito.verifier()
        let original = signer.token(Cognito.idClaims())
        expectRefused(original + ".", .malformed, by: verifier)
        expectRefused(original + "." + original.part(2), .malformed, by: verifier)
        expectRefused(original.part(0) + "." + original, .malformed, by: verifier)
    }

    @Test("missing parts are refused")
    func missingParts() async throws {
        let verifier = try await Cognito.verifier()
        let original = signer.token(Cognito.idClaims())
        expectRefused(original.part(0) + "." + original.part(1), .malformed, by: verifier)
        expectRefused(original.part(0), .malformed, by: verifier)
        expectRefused("." + original.part(1) + "." + original.part(2), .malformed, by: verifier)
        expectRefused("", .malformed, by: verifier)
        expectRefused("..", .malformed, by: verifier)
    }

    @Test("base64 padding in any part is refused")
    func padding() async throws {
        let verifier = try await Cognito.verifier()
        let original = signer.token(Cognito.idClaims())
        for index in 0..<3 {
            expectRefused(original.replacingPart(index, with: original.part(index) + "="), .malformed, by: verifier)
            expectRefused(original.replacingPart(index, with: original.part(index) + "=="), .malformed, by: verifier)
        }
    }

    @Test("non-base64url characters in any part are refused")
    func nonBase64URLCharacters() async throws {
        let verifier = try await Cognito.verifier()
        let original = signer.token(Cognito.idClaims())
        for index in 0..<3 {
            let part = original.part(index)
            let standardAlphabet = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(
                of: "_", with: "/")
            if standardAlphabet != part {
                expectRefused(original.replacingPart(index, with: standardAlphabet), .malformed, by: verifier)
            }
            for inserted in [" ", "\n", "+", "/", "%", "\u{00e9}", "\0"] {
                var changed = part
                changed.insert(contentsOf: inserted, at: changed.index(changed.startIndex, offsetBy: 4))
                expectRefused(original.replacingPart(index, with: changed), .malformed, by: verifier)
            }
        }
        expectRefused(" " + original, .malformed, by: verifier)
        expectRefused(original + "\n", .malformed, by: verifier)
    }

    @Test("a non-canonical base64url encoding (unused bits set) of the signature is refused")
    func nonCanonicalBase64() async throws {
        let verifier = try await Cognito.verifier()
        let original = signer.token(Cognito.idClaims())
        // 256 signature bytes encode to 342 characters; the last carries 4 unused bits.
        let signature = original.part(2)
        var characters = Array(signature)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = try #require(alphabet.firstIndex(of: characters[characters.count - 1]))
        characters[characters.count - 1] = alphabet[last | 1]
        expectRefused(original.replacingPart(2, with: String(characters)), .malformed, by: verifier)
    }

    @Test("a huge token is refused before any parsing")
    func hugeToken() async throws {
        let verifier = try await Cognito.verifier()
        let padding = String(repeating: "x", count: 20_000)
        expectRefused(signer.token(Cognito.idClaims(["padding": padding])), .tokenTooLarge, by: verifier)
        expectRefused(String(repeating: "A", count: 16 * 1024 + 1), .tokenTooLarge, by: verifier)
        expectRefused(String(repeating: ".", count: 1_000_000), .tokenTooLarge, by: verifier)
    }

    @Test("a header or payload that is JSON but not an object is refused")
    func jsonNotAnObject() async throws {
        let verifier = try await Cognito.verifier()
        for header in [#"["RS256"]"#, #""RS256""#, "1", "null", "true", ""] {
            expectRefused(token(headerJSON: header), .malformed, by: verifier)
        }
        for payload in [#"["sub"]"#, #""claims""#, "1800000000", "null", "", "{"] {
            expectRefused(
                signer.token(headerJSON: TestSigner.json(signer.header), payloadJSON: payload), .malformed, by: verifier
            )
        }
    }

    @Test("duplicate claim names in the payload are refused, even when signed")
    func duplicateClaims() async throws {
        let verifier = try await Cognito.verifier()
        let claims = TestSigner.json(Cognito.idClaims())
        for duplicate in [
            #""iss":"https://evil.example""#, #""aud":"other-client""#, #""sub":"admin""#,
            #""exp":9999999999"#, #""token_use":"access""#, #""\u0073ub":"admin""#,
        ] {
            let payload = "{" + duplicate + "," + claims.dropFirst()
            expectRefused(
                signer.token(headerJSON: TestSigner.json(signer.header), payloadJSON: payload), .malformed, by: verifier
            )
        }
    }

    @Test("duplicate member names in the header are refused")
    func duplicateHeaderMembers() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(token(headerJSON: #"{"alg":"none","alg":"RS256","kid":"key-1"}"#), .malformed, by: verifier)
        expectRefused(token(headerJSON: #"{"alg":"RS256","kid":"key-2","kid":"key-1"}"#), .malformed, by: verifier)
    }

    @Test("a payload that is not valid UTF-8 JSON is refused")
    func invalidJSONText() async throws {
        let verifier = try await Cognito.verifier()
        let claims = TestSigner.json(Cognito.idClaims())
        for payload in [claims + ",", claims + "x", String(claims.dropLast()) + ",}", #"{"sub":"\ud800"}"#] {
            expectRefused(
                signer.token(headerJSON: TestSigner.json(signer.header), payloadJSON: payload), .malformed, by: verifier
            )
        }
        let header = Base64URL.encode(Array(TestSigner.json(signer.header).utf8))
        let badUTF8 = header + "." + Base64URL.encode([UInt8](#"{"sub":""#.utf8) + [0xC3, 0x28] + [UInt8](#""}"#.utf8))
        expectRefused(badUTF8 + "." + Base64URL.encode(signer.signature(badUTF8)), .malformed, by: verifier)
    }

    // MARK: - Claims

    @Test("a wrong iss is refused, including a prefix or suffix of the right one")
    func wrongIssuer() async throws {
        let verifier = try await Cognito.verifier()
        for issuer in [
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OtherPool", String(Cognito.issuer.dropLast()),
            Cognito.issuer + "/", Cognito.issuer + "x", Cognito.issuer + "/.well-known/jwks.json",
            "https://cognito-idp.eu-west-1.amazonaws.com",
            "http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGh1",
            Cognito.issuer.uppercased(), "https://evil.example/" + Cognito.issuer, " " + Cognito.issuer,
            "https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbCdEfGh1",
        ] {
            expectRefused(signer.token(Cognito.idClaims(["iss": issuer])), .wrongIssuer, by: verifier)
        }
        expectRefused(signer.token(Cognito.idClaims(["iss": NSNull()])), .missingClaim, by: verifier)
        expectRefused(signer.token(Cognito.idClaims(["iss": [Cognito.issuer]])), .invalidClaim, by: verifier)
    }

    @Test("the updated issuer form is refused when not configured")
    func updatedIssuerNotConfigured() async throws {
        let configuration = CognitoVerifierConfiguration.cognito(
            region: Cognito.region, userPoolID: Cognito.poolID, clientIDs: [Cognito.clientID],
            acceptUpdatedIssuer: false)
        let verifier = try await Cognito.verifier(configuration: configuration)
        expectRefused(signer.token(Cognito.idClaims(["iss": Cognito.updatedIssuer])), .wrongIssuer, by: verifier)
    }

    @Test("an ID token for another app client (wrong aud) is refused")
    func wrongAudience() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(
            signer.token(Cognito.idClaims(["aud": "someotherclient00000000001"])), .wrongAudience, by: verifier)
        expectRefused(signer.token(Cognito.idClaims(["aud": [Cognito.clientID]])), .invalidClaim, by: verifier)
        expectRefused(signer.token(Cognito.idClaims(["aud": NSNull()])), .missingClaim, by: verifier)
        let access = Cognito.accessClaims(["client_id": "someotherclient00000000001"])
        expectRefused(signer.token(access), .wrongAudience, by: verifier)
    }

    @Test("an access token carrying aud instead of client_id is refused")
    func accessTokenWithAudience() async throws {
        let verifier = try await Cognito.verifier()
        let claims = Cognito.accessClaims(["client_id": NSNull(), "aud": Cognito.clientID])
        expectRefused(signer.token(claims), .wrongAudience, by: verifier)
        expectRefused(signer.token(Cognito.accessClaims(["aud": Cognito.clientID])), .wrongAudience, by: verifier)
    }

    @Test("a wrong token_use is refused")
    func wrongTokenUse() async throws {
        let idOnly = CognitoVerifierConfiguration.cognito(
            region: Cognito.region, userPoolID: Cognito.poolID, clientIDs: [Cognito.clientID], tokenUse: .id)
        let accessOnly = CognitoVerifierConfiguration.cognito(
            region: Cognito.region, userPoolID: Cognito.poolID, clientIDs: [Cognito.clientID], tokenUse: .access)
        let idVerifier = try await Cognito.verifier(configuration: idOnly)
        let accessVerifier = try await Cognito.verifier(configuration: accessOnly)
        expectRefused(signer.token(Cognito.accessClaims()), .wrongTokenUse, by: idVerifier)
        expectRefused(signer.token(Cognito.idClaims()), .wrongTokenUse, by: accessVerifier)
        let anyVerifier = try await Cognito.verifier()
        for use in ["refresh", "ID", "", "id "] {
            expectRefused(signer.token(Cognito.idClaims(["token_use": use])), .wrongTokenUse, by: anyVerifier)
        }
        expectRefused(signer.token(Cognito.idClaims(["token_use": NSNull()])), .missingClaim, by: anyVerifier)
    }

    @Test("an expired token is refused once the leeway has passed")
    func expired() async throws {
        let verifier = try await Cognito.verifier()
        let token = signer.token(Cognito.idClaims(["exp": Cognito.nowSeconds - 61, "iat": Cognito.nowSeconds - 3661]))
        expectRefused(token, .expired, by: verifier)
        let withinLeeway = signer.token(
            Cognito.idClaims(["exp": Cognito.nowSeconds - 59, "iat": Cognito.nowSeconds - 3659]))
        #expect(throws: Never.self) { try verifier.verify(withinLeeway, now: Cognito.now) }
        expectRefused(withinLeeway, .expired, by: verifier, at: Cognito.now.addingTimeInterval(1))
    }

    @Test("a token without exp is refused")
    func missingExpiry() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(signer.token(Cognito.idClaims(["exp": NSNull()])), .missingClaim, by: verifier)
    }

    @Test("an exp that is a string (or any non-number) is refused")
    func expiryNotANumber() async throws {
        let verifier = try await Cognito.verifier()
        for exp: Any in ["\(Cognito.nowSeconds + 3600)", true, [Cognito.nowSeconds + 3600], ["t": 1]] {
            expectRefused(signer.token(Cognito.idClaims(["exp": exp])), .invalidClaim, by: verifier)
        }
        let nullExpiry = TestSigner.json(Cognito.idClaims(["exp": NSNull()])).dropLast() + #","exp":null}"#
        expectRefused(
            signer.token(headerJSON: TestSigner.json(signer.header), payloadJSON: String(nullExpiry)), .invalidClaim,
            by: verifier)
    }

    @Test("a token whose nbf is in the future is refused")
    func notBeforeInFuture() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(signer.token(Cognito.idClaims(["nbf": Cognito.nowSeconds + 61])), .notYetValid, by: verifier)
        expectRefused(signer.token(Cognito.idClaims(["nbf": "0"])), .invalidClaim, by: verifier)
        #expect(throws: Never.self) {
            try verifier.verify(signer.token(Cognito.idClaims(["nbf": Cognito.nowSeconds + 59])), now: Cognito.now)
        }
    }

    @Test("a token issued in the future (iat beyond the leeway) is refused")
    func issuedInFuture() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(signer.token(Cognito.idClaims(["iat": Cognito.nowSeconds + 61])), .issuedInFuture, by: verifier)
    }

    @Test("a token without sub, or with an empty sub, is refused")
    func missingSubject() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(signer.token(Cognito.idClaims(["sub": NSNull()])), .missingClaim, by: verifier)
        expectRefused(signer.token(Cognito.idClaims(["sub": ""])), .invalidClaim, by: verifier)
    }

    // MARK: - Keys in the JWKS

    @Test("a token signed by a 1024-bit key listed in the JWKS is refused")
    func weakKeyInJWKS() async throws {
        let verifier = try await Cognito.verifier([TestKeys.primary, TestKeys.weak1024])
        expectRefused(TestKeys.weak1024.token(Cognito.idClaims()), .keyNotAllowed, by: verifier)
    }

    @Test("JWKS keys that are not for RS256 signatures are refused: kty, use, alg, key_ops, duplicate kid")
    func unusableJWKSKeys() async throws {
        let n = Base64URL.encode(TestKeys.secondary.jwk.modulus)
        func entry(_ kid: String, _ extra: String) -> String { #"{"kid":"\#(kid)","n":"\#(n)","e":"AQAB"\#(extra)}"# }
        let document =
            #"{"keys":["#
            + [
                TestKeys.primary.jwk.json,
                entry("enc", #","kty":"RSA","use":"enc""#),
                entry("rs512", #","kty":"RSA","alg":"RS512""#),
                entry("ps256", #","kty":"RSA","alg":"PS256""#),
                entry("ops", #","kty":"RSA","key_ops":["encrypt"]"#),
                entry("oct", #","kty":"oct","k":"AAAA""#),
                entry("nokty", ""),
                entry("twice", #","kty":"RSA""#), entry("twice", #","kty":"RSA""#),
                entry("bad-e", #","kty":"RSA","e":"AQAB=""#).replacingOccurrences(of: #""e":"AQAB","#, with: ""),
            ].joined(separator: ",") + "]}"
        let store = JWKSKeyStore(source: FakeJWKSEndpoint(document: document).source)
        try await store.load()
        #expect(store.usableKeyIDs == ["key-1"])
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store)
        for kid in ["enc", "rs512", "ps256", "ops", "oct", "nokty", "twice", "bad-e"] {
            expectRefused(TestKeys.secondary.renamed(kid).token(Cognito.idClaims()), .keyNotAllowed, by: verifier)
        }
    }
}

extension Tag {
    /// Security regressions: attacks that must stay refused.
    @Tag static var security: Self
}
