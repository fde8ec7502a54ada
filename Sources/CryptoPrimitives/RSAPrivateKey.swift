internal import COpenSSL

/// An RSA private key that signs RSASSA-PKCS1-v1_5 SHA-256 (RS256). Used by local mode's
/// Cognito-compatible issuer and by tests that mint tokens; the AWS path only verifies.
package struct RSAPrivateKey: Sendable {
    private let storage: EVPKey

    /// The modulus size in bits.
    package var bitCount: Int { Int(unsafe EVP_PKEY_get_bits(storage.key)) }

    /// Generates a fresh key of `bits` bits with exponent 65537.
    package static func generate(bits: Int = 2048) throws(CryptoError) -> RSAPrivateKey {
        guard let context = unsafe EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw CryptoError("creating an RSA key-generation context")
        }
        defer { unsafe EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer? = nil
        guard unsafe EVP_PKEY_keygen_init(context) == 1,
            unsafe EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1,
            unsafe EVP_PKEY_generate(context, &key) == 1,
            let key = unsafe key
        else { throw CryptoError("generating a \(bits)-bit RSA key") }
        return unsafe RSAPrivateKey(owning: key)
    }

    /// Reads a PEM private key (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`).
    package init(pem: String) throws(CryptoError) {
        let bytes = Array(pem.utf8)
        let key = unsafe bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let bio = unsafe BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { unsafe BIO_free(bio) }
            return unsafe PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key = unsafe key, unsafe EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            if let key = unsafe key { unsafe EVP_PKEY_free(key) }
            throw CryptoError("reading a PEM RSA private key")
        }
        unsafe self.init(owning: key)
    }

    private init(owning key: OpaquePointer) { self.storage = unsafe EVPKey(key) }

    /// The key as PKCS#8 PEM. It is a secret: write it only to files with mode 0600.
    package func pemRepresentation() throws(CryptoError) -> String {
        guard let bio = unsafe BIO_new(BIO_s_mem()) else { throw CryptoError("allocating a memory BIO") }
        defer { unsafe BIO_free(bio) }
        guard unsafe PEM_write_bio_PrivateKey(bio, storage.key, nil, nil, 0, nil, nil) == 1 else {
            throw CryptoError("writing a PEM RSA private key")
        }
        var data: UnsafeMutablePointer<CChar>? = nil
        let length = unsafe su_bio_get_mem_data(bio, &data)
        guard let data = unsafe data, length > 0 else { throw CryptoError("reading a memory BIO") }
        return unsafe String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    /// The matching public key.
    package func publicKey() throws(CryptoError) -> RSAPublicKey {
        let (modulus, exponent) = try unsafe (
            bigNumberParameter(storage.key, su_param_rsa_n()), bigNumberParameter(storage.key, su_param_rsa_e())
        )
        return try RSAPublicKey(modulus: modulus, exponent: exponent)
    }

    /// The RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    package func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let context = unsafe EVP_MD_CTX_new() else { throw CryptoError("allocating a digest context") }
        defer { unsafe EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer? = nil
        guard unsafe EVP_DigestSignInit_ex(context, &keyContext, "SHA256", nil, nil, storage.key, nil) == 1,
            unsafe EVP_PKEY_CTX_set_rsa_padding(keyContext, su_rsa_pkcs1_padding()) == 1
        else { throw CryptoError("starting an RS256 signature") }
        var length = 0
        guard
            unsafe message.withUnsafeBufferPointer({
                unsafe EVP_DigestSign(context, nil, &length, $0.baseAddress, $0.count)
            }) == 1
        else { throw CryptoError("sizing an RS256 signature") }
        var signature = [UInt8](repeating: 0, count: length)
        let status = unsafe signature.withUnsafeMutableBufferPointer { out in
            unsafe message.withUnsafeBufferPointer { input in
                unsafe EVP_DigestSign(context, out.baseAddress, &length, input.baseAddress, input.count)
            }
        }
        guard status == 1 else { throw CryptoError("computing an RS256 signature") }
        return Array(signature.prefix(length))
    }
}
