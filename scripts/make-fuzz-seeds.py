#!/usr/bin/env python3
"""Writes the fuzz seed corpora (Fuzz/Corpus/<Target>/) from the kinds of input the test suites
use: valid and smuggling HTTP requests, JWS shapes and attack headers, upload bodies, hostile file
names, pre-signed queries. Re-run after changing it; the seeds are checked in."""
import base64, json, os, pathlib, shutil

root = pathlib.Path(__file__).resolve().parent.parent / "Fuzz" / "Corpus"

def b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

seeds = {
    "FuzzHTTPParser": [
        # The first byte is the piece size the harness splits the rest into.
        b"\x03GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        b"\x07POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        b"\x02POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n",
        b"\x05GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        b"\x01GET / HTTP/1.0\r\n\r\n",
        b"\x04POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"\x04POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        b"\x09GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n",
        b"\x09GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        b"\x06POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n",
        b"\x08PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"\x08GET http://evil.example/ HTTP/1.1\r\nHost: a\r\n\r\n",
        b"\x03PUT /local/s3/b/k HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
    ],
    "FuzzUploadRequest": [
        b'{"filename":"report 2026.pdf","contentType":"image/png","size":48213}',
        b'{"filename":"a.txt","contentType":"text/plain","size":0,"checksumSHA256":"' + base64.b64encode(bytes(32)) + b'"}',
        b'{"filename":"","contentType":"text/plain","size":1}',
        b'{"filename":"x","contentType":"text/plain","size":-1}',
        b'{"filename":"x","contentType":"text/plain","size":1.5}',
        b'{"filename":"x","contentType":"text/plain","size":1e400}',
        b'{"filename":"x","contentType":"text/plain","size":1,"extra":true}',
        b'{"filename":"x","filename":"y","contentType":"text/plain","size":1}',
        b'{"filename":"\\u0000","contentType":"image/jpeg","size":1}',
        b'[1,2,3]', b'{', b'{"a":' * 40,
    ],
    "FuzzObjectKey": [
        "report 2026.pdf".encode(), b"../../etc/passwd", b"a/../../b", b"%2e%2e%2f", b"..", b"...",
        b"   ", b"\x00name", "evil\u202etxt.exe".encode(), "résumé 📄.txt".encode(),
        "👨‍👩‍👧‍👦.png".encode(), ("é" * 300).encode(), b"C:\\Windows\\system32", b".hidden",
        "日本語のファイル名.txt".encode(), "ملف عربي.pdf".encode(),
    ],
    "FuzzHTTPResponse": [
        # The first byte picks the piece size the harness splits the rest into.
        b"\x03HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"keys\":[]}",
        b"\x02HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
        b"\x05HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        b"\x07HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n<AssumeRoleWithWebIdentityResponse/>",
        b"\x01HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
        b"\x04HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\n\r\n",
        b"\x04HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        b"\x06HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"\x06HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n",
        b"\x09HTTP/1.1 200 OK\r\nX: a\r\n folded\r\nContent-Length: 0\r\n\r\n",
        b"\x08HTTP/1.1 200 OK\nContent-Length: 1\n\nx",
        b"\x03HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n",
        b"\x0aHTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
    ],
    "FuzzS3Query": [
        b"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=LOCALKEYFUZZ%2F20270115%2Fus-east-1%2Fs3%2Faws4_request"
        b"&X-Amz-Date=20270115T080000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"
        b"&X-Amz-Signature=" + b"0" * 64,
        b"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Algorithm=AWS4-HMAC-SHA256",
        b"X-Amz-Expires=604801&X-Amz-Date=2027",
        b"%zz=1&a=%", b"=&=&&", b"X-Amz-Credential=a%2F%2F%2F%2F\x00/local/s3/bucket/..%2F..%2Fetc",
    ],
}

header = {"alg": "RS256", "kid": "fuzz-key", "typ": "JWT"}
claims = {"sub": "3f1e2d4c", "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Fuzz",
          "aud": "fuzzclient", "token_use": "id", "exp": 1_800_003_600, "iat": 1_799_999_000}
jwt_seeds = []
for h in (header, {**header, "alg": "none"}, {**header, "alg": "HS256"}, {**header, "jku": "http://x"},
          {**header, "jwk": {"kty": "RSA"}}, {"alg": "RS256"}):
    jwt_seeds.append(b"\x00" + f"{b64u(json.dumps(h).encode())}.{b64u(json.dumps(claims).encode())}.{b64u(bytes(256))}".encode())
jwt_seeds += [b"\x00a.b.c", b"\x00....", b"\x00eyJ=.eyJ=.", b"\x00" + b"A" * 20000]
# Mode 1: [cut][header JSON][payload JSON], signed by the harness.
for c in (claims, {**claims, "token_use": "access", "client_id": "fuzzclient"}, {**claims, "exp": "soon"},
          {**claims, "aud": ["fuzzclient", "other"]}, {k: v for k, v in claims.items() if k != "exp"}):
    h = json.dumps(header).encode()
    jwt_seeds.append(b"\x01" + bytes([len(h)]) + h + json.dumps(c).encode())
seeds["FuzzJWTVerifier"] = jwt_seeds

for target, items in seeds.items():
    folder = root / target
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for index, item in enumerate(items):
        (folder / f"seed-{index:03d}").write_bytes(item)
    print(f"{target}: {len(items)} seeds")
