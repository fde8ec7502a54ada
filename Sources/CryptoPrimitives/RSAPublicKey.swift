internal import COpenSSL
import Synchronization

/// An RSA public key, built from a JWK's modulus and exponent (or DER/PEM), that verifies
/// RSASSA-PKCS1-v1_5 signatures with SHA-256 (RFC 8017 §8.2.2): the RS256 of RFC 7518.
package struct RSAPublicKey: Sendable {
    private let storage: EVPKey

    /// The modulus size in bits (2048 for Cognito's keys).
    package let bitCount: Int

    /// Builds a key from the big-endian bytes of the modulus `n` and public exponent `e`.
    /// Refuses an even or empty modulus and an exponent that is even, 1, or longer than 64 bits.
    package init(modulus: [UInt8], exponent: [UInt8]) throws(CryptoError) {
        let modulus = Array(modulus.drop { $0 == 0 })
        let exponent = Array(exponent.drop { $0 == 0 })
        guard let lastModulusByte = modulus.last, lastModulusByte & 1 == 1 else {
            throw CryptoError("building an RSA public key: the modulus is empty or even", drainingOpenSSLErrors: false)
        }
        guard let lastExponentByte = exponent.last, exponent.count <= 8, lastExponentByte & 1 == 1,
            exponent != [1]
        else {
            throw CryptoError(
                "building an RSA public key: the exponent is not an odd number above 1", drainingOpenSSLErrors: false)
        }
        let key = try unsafe Self.makeKey(modulus: modulus, exponent: exponent)
        self.storage = unsafe EVPKey(key)
        self.bitCount = Int(unsafe EVP_PKEY_get_bits(key))
    }

    /// Builds a key from a DER `SubjectPublicKeyInfo`.
    package init(derSubjectPublicKeyInfo der: [UInt8]) throws(CryptoError) {
        let key = unsafe der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var pointer = buffer.baseAddress
            return unsafe d2i_PUBKEY(nil, &pointer, buffer.count)
        }
        guard let key = unsafe key, unsafe EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            if let key = unsafe key { unsafe EVP_PKEY_free(key) }
            throw CryptoError("reading a DER RSA public key")
        }
        self.storage = unsafe EVPKey(key)
        self.bitCount = Int(unsafe EVP_PKEY_get_bits(key))
    }

    init(owning key: OpaquePointer) {
        self.storage = unsafe EVPKey(key)
        self.bitCount = Int(unsafe EVP_PKEY_get_bits(key))
    }

    /// Whether `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message` under this key.
    /// Strict: the signature must be exactly the modulus length and the DigestInfo DER-encoded.
    package func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        unsafe message.withUnsafeBytes { unsafe isValidSignature(signature, for: $0) }
    }

    /// Like `isValidSignature(_:for:)` over raw memory (the JWS signing input, without a copy).
    package func isValidSignature(_ signature: [UInt8], for message: UnsafeRawBufferPointer) -> Bool {
        // OpenSSL accepts shorter signatures by left-padding them; RFC 8017 §8.2.2 step 1 says reject.
        guard signature.count == (bitCount + 7) / 8 else { return false }
        // The SHA-256 of the message, then PKCS#1 v1.5 verification of that digest (RSA_verify
        // checks the DigestInfo encoding strictly, as EVP_DigestVerify does) on a context prepared
        // once per key. EVP_DigestVerifyInit_ex fetched the digest and signature algorithms and
        // built a context on every call: about 2.5 us of a 15 us verification.
        let digest = unsafe SHA256.hash(message)
        let status = unsafe storage.withVerifyContext { context in
            unsafe signature.withUnsafeBufferPointer { sig in
                unsafe digest.withUnsafeBufferPointer { hashed in
                    unsafe EVP_PKEY_verify(context, sig.baseAddress, sig.count, hashed.baseAddress, hashed.count)
                }
            }
        }
        if status != 1 { CryptoError.discardErrorQueue() }
        return status == 1
    }

    /// The big-endian modulus and exponent, as a JWK's `n` and `e` carry them.
    package func components() throws(CryptoError) -> (modulus: [UInt8], exponent: [UInt8]) {
        (
            try unsafe bigNumberParameter(storage.key, su_param_rsa_n()),
            try unsafe bigNumberParameter(storage.key, su_param_rsa_e())
        )
    }

    private static func makeKey(modulus: [UInt8], exponent: [UInt8]) throws(CryptoError) -> OpaquePointer {
        guard let builder = unsafe OSSL_PARAM_BLD_new() else { throw CryptoError("allocating OSSL_PARAM_BLD") }
        defer { unsafe OSSL_PARAM_BLD_free(builder) }
        let n = unsafe modulus.withUnsafeBufferPointer { unsafe BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        let e = unsafe exponent.withUnsafeBufferPointer { unsafe BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        defer {
            unsafe BN_free(n)
            unsafe BN_free(e)
        }
        guard unsafe n != nil, unsafe e != nil,
            unsafe OSSL_PARAM_BLD_push_BN(builder, su_param_rsa_n(), n) == 1,
            unsafe OSSL_PARAM_BLD_push_BN(builder, su_param_rsa_e(), e) == 1,
            let parameters = unsafe OSSL_PARAM_BLD_to_param(builder)
        else { throw CryptoError("building RSA key parameters") }
        defer { unsafe OSSL_PARAM_free(parameters) }
        guard let context = unsafe EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw CryptoError("creating an RSA key context")
        }
        defer { unsafe EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer? = nil
        guard unsafe EVP_PKEY_fromdata_init(context) == 1,
            unsafe EVP_PKEY_fromdata(context, &key, su_evp_pkey_public_key(), parameters) == 1,
            let key = unsafe key
        else { throw CryptoError("building an RSA public key from its modulus and exponent") }
        return unsafe key
    }
}

/// Owns one `EVP_PKEY` and frees it with the last reference, with a few verification contexts
/// prepared for it (RSA PKCS#1 v1.5 over SHA-256), each used by one thread at a time.
// EVP_PKEY is immutable once built, and OpenSSL 3 documents concurrent use of a key for
// verification and signing (each with its own context) as thread-safe. The pooled EVP_PKEY_CTX
// objects are only touched by the thread that took one out of the pool under its lock.
@safe final class EVPKey: @unchecked Sendable {
    let key: OpaquePointer
    private static let pooledContexts = 8

    // An EVP_PKEY_CTX moves between threads only through the pool's lock, and is used by one
    // thread at a time.
    @safe private struct VerifyContext: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private let verifyContexts = Mutex<[VerifyContext]>([])

    init(_ key: OpaquePointer) { unsafe self.key = key }

    deinit {
        for context in verifyContexts.withLock({ $0 }) { unsafe EVP_PKEY_CTX_free(context.pointer) }
        unsafe EVP_PKEY_free(key)
    }

    /// Runs `body` with a context initialised for RSASSA-PKCS1-v1_5 SHA-256 verification under
    /// this key (taken from the pool, or made), and puts it back; -1 when none can be made.
    func withVerifyContext(_ body: (OpaquePointer) -> Int32) -> Int32 {
        guard let context = verifyContexts.withLock({ $0.popLast() }) ?? makeVerifyContext() else { return -1 }
        let status = unsafe body(context.pointer)
        // A failed verification leaves the context as it was (RSA_verify keeps no state in it).
        let kept = verifyContexts.withLock { contexts in
            guard contexts.count < EVPKey.pooledContexts else { return false }
            contexts.append(context)
            return true
        }
        if !kept { unsafe EVP_PKEY_CTX_free(context.pointer) }
        return status
    }

    private func makeVerifyContext() -> VerifyContext? {
        guard let context = unsafe EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { return nil }
        guard unsafe EVP_PKEY_verify_init(context) == 1,
            unsafe EVP_PKEY_CTX_set_rsa_padding(context, su_rsa_pkcs1_padding()) == 1,
            unsafe EVP_PKEY_CTX_set_signature_md(context, Digests.sha256) == 1
        else {
            unsafe EVP_PKEY_CTX_free(context)
            CryptoError.discardErrorQueue()
            return nil
        }
        return unsafe VerifyContext(pointer: context)
    }
}

func bigNumberParameter(_ key: OpaquePointer, _ name: UnsafePointer<CChar>) throws(CryptoError) -> [UInt8] {
    var number: OpaquePointer? = nil
    guard unsafe EVP_PKEY_get_bn_param(key, name, &number) == 1, let number = unsafe number else {
        throw CryptoError("reading an RSA key parameter")
    }
    defer { unsafe BN_clear_free(number) }
    let length = Int((unsafe BN_num_bits(number) + 7) / 8)
    var bytes = [UInt8](repeating: 0, count: length)
    _ = unsafe bytes.withUnsafeMutableBufferPointer { unsafe BN_bn2bin(number, $0.baseAddress) }
    return bytes
}
