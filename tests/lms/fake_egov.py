"""A stand-in for the e-Government identity provider on a local port.

eGov cannot be reached from tests, so this small OpenID Connect provider answers
in its place over real HTTP: its configuration, the token endpoint (a signed ID
token), userinfo and its keys. The site talks to it exactly as to eGov; a test
plays the person at eGov's page (``sign_in``), who comes back with a code.
"""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "bakytty-otbasy"
PERSON = {
    "sub": "egov-subject-1",
    "email": "dana@example.kz",
    "given_name": "Дана",
    "family_name": "Омарова",
}


def single_values(query: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(query).items()}


class FakeEgov:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def sign_in(self, client, process="login", next_url=None, **claims):
        """Someone presses "eGov ID" (``process`` ``login`` or ``connect``) and
        signs in at eGov as the person with ``claims`` (an IIN claim of None is
        left out); the site's answer to eGov sending them back."""
        query = {"process": process} | ({"next": next_url} if next_url else {})
        started = client.post(f"/accounts/oidc/egov/login/?{urlencode(query)}")
        assert started.status_code == 302, started
        asked = single_values(urlsplit(started["Location"]).query)
        assert started["Location"].startswith(self.url)
        person = {
            key: value for key, value in (PERSON | claims).items() if value is not None
        }
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": asked.get("nonce"), "person": person}
        back = urlencode({"code": code, "state": asked["state"]})
        return client.get(f"{urlsplit(asked['redirect_uri']).path}?{back}")

    def _handler(self):
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlsplit(self.path).path
                if path == "/.well-known/openid-configuration":
                    return self._json(
                        {
                            "issuer": idp.url,
                            "authorization_endpoint": f"{idp.url}/authorize",
                            "token_endpoint": f"{idp.url}/token",
                            "userinfo_endpoint": f"{idp.url}/userinfo",
                            "jwks_uri": f"{idp.url}/jwks",
                            "response_types_supported": ["code"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "token_endpoint_auth_methods_supported": [
                                "client_secret_post"
                            ],
                        }
                    )
                if path == "/jwks":
                    key = json.loads(RSAAlgorithm.to_jwk(idp.key.public_key()))
                    return self._json({"keys": [key | {"kid": "k1", "use": "sig"}]})
                if path == "/userinfo":
                    bearer = self.headers.get("Authorization", "")
                    token = bearer.removeprefix("Bearer ")
                    if token not in idp.tokens:
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(idp.tokens[token])
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = single_values(self.rfile.read(length).decode())
                given = idp.codes.pop(form.get("code"), None)
                if given is None:
                    return self._json({"error": "invalid_grant"}, 400)
                now = int(time.time())
                claims = {
                    "iss": idp.url,
                    "aud": CLIENT_ID,
                    "iat": now,
                    "exp": now + 300,
                    **given["person"],
                } | ({"nonce": given["nonce"]} if given["nonce"] else {})
                access_token = secrets.token_urlsafe(16)
                idp.tokens[access_token] = given["person"]
                id_token = jwt.encode(
                    claims, idp.key, algorithm="RS256", headers={"kid": "k1"}
                )
                return self._json(
                    {
                        "access_token": access_token,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": id_token,
                    }
                )

            def log_message(self, *args):
                pass

        return Handler
