// The OpenSSL 3 surface SecureUpload uses: SHA-256 and EVP digests, MACs and public keys, OSSL_PARAM_BLD,
// random bytes and the error queue, and the client side of TLS. Only CryptoPrimitives imports this module.
#ifndef SECURE_UPLOAD_COPENSSL_SHIM_H
#define SECURE_UPLOAD_COPENSSL_SHIM_H

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but they remain, run the
// same assembly (SHA-NI where the CPU has it), and work on a caller's stack struct. EVP allocates
// a context per digest, which cost more than hashing a request's few hundred bytes.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

// OSSL_PKEY_PARAM_* and friends are string macros Swift cannot import; wrap the few we need.
static inline const char *su_param_rsa_n(void) { return OSSL_PKEY_PARAM_RSA_N; }
static inline const char *su_param_rsa_e(void) { return OSSL_PKEY_PARAM_RSA_E; }
static inline const char *su_param_rsa_d(void) { return OSSL_PKEY_PARAM_RSA_D; }
static inline const char *su_param_rsa_bits(void) { return OSSL_PKEY_PARAM_RSA_BITS; }
static inline const char *su_param_digest(void) { return OSSL_MAC_PARAM_DIGEST; }

// EVP_PKEY_CTX_set_rsa_padding is a function in 3.0 but its constant is a macro.
static inline int su_rsa_pkcs1_padding(void) { return RSA_PKCS1_PADDING; }
static inline int su_evp_pkey_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline int su_evp_pkey_keypair(void) { return EVP_PKEY_KEYPAIR; }

// BIO_get_mem_data is a macro over BIO_ctrl.
static inline long su_bio_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

// Outbound TLS (CryptoPrimitives/TLS): these SSL_* controls are macros over SSL_ctrl / SSL_CTX_ctrl.
static inline int su_ssl_ctx_set_min_tls12(SSL_CTX *ctx) { return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); }
static inline long su_ssl_ctx_set_options(SSL_CTX *ctx, uint64_t options) { return (long)SSL_CTX_set_options(ctx, options); }
static inline uint64_t su_ssl_op_no_renegotiation(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t su_ssl_op_no_compression(void) { return SSL_OP_NO_COMPRESSION; }
static inline int su_ssl_set_sni(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }
static inline int su_ssl_verify_peer(void) { return SSL_VERIFY_PEER; }
static inline unsigned int su_x509_check_flag_no_partial_wildcards(void) { return X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS; }

#endif
