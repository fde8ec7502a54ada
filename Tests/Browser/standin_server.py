#!/usr/bin/env python3
"""A small stand-in for `secure-upload serve` in local mode, for iterating on the page.

It speaks the contract the page codes against (GET /config.json; Cognito's InitiateAuth JSON
protocol; POST /upload; a pre-signed PUT receiver with S3 XML errors) and serves frontend/ with
the same strict Content-Security-Policy. Nothing is really signed: this is a development aid,
never a test of the server. The browser test runs against the real binary.

Configured like the real binary, from the environment: PORT, STATIC_DIR, LOCAL_DATA_DIR,
LOCAL_USERS (name:password,...), MAX_UPLOAD_BYTES; plus STANDIN_NEW_PASSWORD_USERS (users who
meet NEW_PASSWORD_REQUIRED), STANDIN_THROTTLE (bytes per second for PUT bodies) and
STANDIN_TOKEN_LIFETIME (seconds). With STANDIN_COGNITO_ENDPOINT, STANDIN_CLIENT_ID and
STANDIN_USER_POOL_ID the page signs in against that Cognito (e.g. moto's) instead, as in AWS mode,
and POST /upload takes that pool's tokens on trust. Usage: standin_server.py serve
"""
from types import SimpleNamespace
import base64
import hashlib
import json
import mimetypes
import os
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The policy the real server sends (UploadService's ContentSecurityPolicy).
CSP = ("default-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
CLIENT_ID = "local-client"
BUCKET = "uploads-local"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(username, lifetime, use):
    now = int(time.time())
    header = {"alg": "RS256", "kid": "standin", "typ": "JWT"}
    claims = {"sub": str(uuid.uuid5(uuid.NAMESPACE_URL, username)), "cognito:username": username,
              "token_use": use, "iat": now, "exp": now + lifetime, "aud": CLIENT_ID}
    return ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()), b64url(os.urandom(32))])


class State:
    def __init__(self, args):
        self.args = args
        self.users = dict(u.split(":", 1) for u in args.users.split(",") if ":" in u)
        self.must_change = set(args.new_password_users.split(",")) - {""}
        self.refresh = {}
        self.ids = {}
        self.grants = {}
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State = None

    def log_message(self, fmt, *args):  # quiet
        pass

    def send_json(self, status, body, headers=None, content_type="application/json"):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def s3_error(self, status, code, message):
        data = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                f"<Message>{message}</Message></Error>").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        path = urllib.parse.urlparse(self.path).path
        a = self.state.args
        if path in ("/readyz", "/healthz"):
            return self.send_json(200, {"status": "ready"})
        if path == "/config.json":
            external = a.cognito_endpoint
            return self.send_json(200, {
                "mode": "aws" if external else "local", "region": "us-east-1" if external else "local-1",
                "userPoolId": a.user_pool_id if external else "local-1_standin",
                "clientId": a.client_id if external else CLIENT_ID,
                "cognitoEndpoint": external or "/local/cognito/", "uploadEndpoint": "/upload",
                "maxUploadBytes": a.max_bytes, "allowedContentTypes": [],
            })
        rel = "index.html" if path in ("/", "") else urllib.parse.unquote(path.lstrip("/"))
        full = os.path.realpath(os.path.join(a.static, rel))
        if not full.startswith(os.path.realpath(a.static) + os.sep) or not os.path.isfile(full):
            return self.send_json(404, {"error": "Not found.", "code": "not_found"})
        data = open(full, "rb").read()
        ctype = mimetypes.guess_type(full)[0] or "application/octet-stream"
        if full.endswith(".js"):
            ctype = "text/javascript"
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(data)))
        csp = CSP
        if self.state.args.cognito_endpoint:
            origin = urllib.parse.urlsplit(self.state.args.cognito_endpoint)
            csp = csp.replace("connect-src 'self'", f"connect-src 'self' {origin.scheme}://{origin.netloc}")
        self.send_header("Content-Security-Policy", csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        path = urllib.parse.urlparse(self.path).path
        if path.startswith("/local/cognito"):
            return self.cognito()
        if path == "/upload":
            return self.upload()
        self.send_json(404, {"error": "Not found.", "code": "not_found"})

    def cognito(self):
        target = self.headers.get("X-Amz-Target", "")
        req = json.loads(self.body() or b"{}")
        st = self.state
        err = lambda t, m: self.send_json(400, {"__type": t, "message": m}, content_type="application/x-amz-json-1.1")
        lifetime = st.args.token_lifetime

        def tokens(user, with_refresh=True):
            idt = make_token(user, lifetime, "id")
            with st.lock:
                st.ids[idt] = user
            result = {"IdToken": idt, "AccessToken": make_token(user, lifetime, "access"),
                      "ExpiresIn": lifetime, "TokenType": "Bearer"}
            if with_refresh:
                r = b64url(os.urandom(24))
                with st.lock:
                    st.refresh[r] = user
                result["RefreshToken"] = r
            return {"AuthenticationResult": result, "ChallengeParameters": {}}

        if target.endswith(".InitiateAuth"):
            flow = req.get("AuthFlow")
            params = req.get("AuthParameters") or {}
            if req.get("ClientId") != CLIENT_ID:
                return err("ResourceNotFoundException", "User pool client does not exist.")
            if flow == "USER_PASSWORD_AUTH":
                u, p = params.get("USERNAME", ""), params.get("PASSWORD", "")
                if st.users.get(u) != p:
                    return err("com.amazonaws.cognito.identity.idp.model#NotAuthorizedException", "Incorrect username or password.")
                if u in st.must_change:
                    return self.send_json(200, {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "s-" + u,
                                                "ChallengeParameters": {}}, content_type="application/x-amz-json-1.1")
                return self.send_json(200, tokens(u), content_type="application/x-amz-json-1.1")
            if flow == "REFRESH_TOKEN_AUTH":
                u = st.refresh.get(params.get("REFRESH_TOKEN", ""))
                if not u:
                    return err("NotAuthorizedException", "Invalid Refresh Token")
                return self.send_json(200, tokens(u, with_refresh=False), content_type="application/x-amz-json-1.1")
            return err("InvalidParameterException", "Unsupported AuthFlow.")
        if target.endswith(".RespondToAuthChallenge"):
            u = (req.get("ChallengeResponses") or {}).get("USERNAME", "")
            pw = (req.get("ChallengeResponses") or {}).get("NEW_PASSWORD", "")
            if req.get("Session") != "s-" + u:
                return err("NotAuthorizedException", "Invalid session for the user.")
            if len(pw) < 8:
                return err("InvalidPasswordException", "Password does not conform to policy: Password not long enough")
            st.users[u] = pw
            st.must_change.discard(u)
            return self.send_json(200, tokens(u), content_type="application/x-amz-json-1.1")
        return err("UnknownOperationException", "Unknown operation.")

    def upload(self):
        st = self.state
        raw = self.body()  # always drain the body, or keep-alive would read it as the next request
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else auth
        user = st.ids.get(token)
        if not user and st.args.cognito_endpoint and token.count(".") == 2:
            # Tokens of the external pool are taken on trust: this is a stand-in, not a verifier.
            padded = token.split(".")[1] + "=" * (-len(token.split(".")[1]) % 4)
            user = json.loads(base64.urlsafe_b64decode(padded)).get("cognito:username")
        if not user:
            return self.send_json(401, {"error": "Sign in first: the token is missing or invalid.", "code": "invalid_token"},
                                  {"WWW-Authenticate": "Bearer"})
        try:
            req = json.loads(raw)
        except ValueError:
            return self.send_json(400, {"error": "The body is not JSON.", "code": "malformed_body"})
        size = req.get("size")
        if not isinstance(size, int) or size < 0:
            return self.send_json(400, {"error": "size must be a non-negative integer.", "code": "invalid_size"})
        if size > st.args.max_bytes:
            return self.send_json(413, {"error": f"The file is {size} bytes; the limit is {st.args.max_bytes} bytes.",
                                        "code": "too_large"})
        key = f"uploads/{uuid.uuid5(uuid.NAMESPACE_URL, user)}/{uuid.uuid4().hex[:8]}-{req['filename']}"
        headers = {"Content-Type": req["contentType"], "Content-Length": str(size), "If-None-Match": "*"}
        if req.get("checksumSHA256"):
            headers["x-amz-checksum-sha256"] = req["checksumSHA256"]
        grant = uuid.uuid4().hex
        with st.lock:
            st.grants[grant] = (key, headers, time.time() + 300)
        url = f"/local/s3/{BUCKET}/{urllib.parse.quote(key)}?X-Amz-Signature={grant}"
        self.send_json(200, {"uploadUrl": url, "method": "PUT", "key": key, "headers": headers,
                             "expiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 300)),
                             "expiresIn": 300})

    def do_PUT(self):
        st = self.state
        parsed = urllib.parse.urlparse(self.path)
        grant = urllib.parse.parse_qs(parsed.query).get("X-Amz-Signature", [""])[0]
        g = st.grants.get(grant)
        n = int(self.headers.get("Content-Length") or 0)
        if not g:
            return self.s3_error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")
        key, headers, exp = g
        if time.time() > exp:
            return self.s3_error(403, "AccessDenied", "Request has expired")
        for k, v in headers.items():
            if self.headers.get(k) != v:
                return self.s3_error(403, "SignatureDoesNotMatch", f"Header {k} differs from the signed one.")
        data = bytearray()
        bps = st.args.throttle
        while len(data) < n:
            chunk = self.rfile.read(min(65536, n - len(data)))
            if not chunk:
                return
            data += chunk
            if bps:
                time.sleep(len(chunk) / bps)
        cs = headers.get("x-amz-checksum-sha256")
        if cs and base64.b64encode(hashlib.sha256(data).digest()).decode() != cs:
            return self.s3_error(400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.")
        path = os.path.join(st.args.data, BUCKET, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        self.send_response(200)
        self.send_header("ETag", '"%s"' % hashlib.md5(data).hexdigest())
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    env = os.environ
    args = SimpleNamespace(
        port=int(env.get("PORT", "8080")),
        static=env.get("STATIC_DIR", "frontend"),
        data=env.get("LOCAL_DATA_DIR", ".data"),
        users=env.get("LOCAL_USERS", "demo:demo-password"),
        new_password_users=env.get("STANDIN_NEW_PASSWORD_USERS", ""),
        max_bytes=int(env.get("MAX_UPLOAD_BYTES", "5368709120")),
        throttle=int(env.get("STANDIN_THROTTLE", "0")),
        token_lifetime=int(env.get("STANDIN_TOKEN_LIFETIME", "3600")),
        cognito_endpoint=env.get("STANDIN_COGNITO_ENDPOINT", ""),
        client_id=env.get("STANDIN_CLIENT_ID", ""),
        user_pool_id=env.get("STANDIN_USER_POOL_ID", ""),
    )
    Handler.state = State(args)
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on {srv.server_address[1]}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
