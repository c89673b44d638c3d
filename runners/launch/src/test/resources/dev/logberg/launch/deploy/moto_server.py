"""Starts moto's server exactly like `python3 -m moto.server ARGS...`, after one patch to how
moto checks the SigV4 signature of S3 requests when IAM enforcement is on.

Usage: python3 moto_server.py -H 127.0.0.1 -p PORT   (any `moto.server` arguments pass through)

Why: with enforcement on, moto re-signs each S3 request itself and compares signatures. It
builds the URL it re-signs from werkzeug's `request.url` (BaseResponse.setup_class keeps it as
`self.uri`; ActionAuthenticatorMixin._authenticate_and_authorize_action passes its path and query
to moto.iam.access_control.S3IAMRequest). werkzeug renders `request.url` as an IRI: in the query
it decodes percent-escapes such as %2F, %2A or %3A, and in the path it leaves characters such as
= ( ) ! * ' : @ $ & + , ; unescaped. Clients sign the URL as they send it, percent-encoded:
boto3 and the AWS SDK for Java send and sign `prefix=logs%2Fa%2F`, moto re-signs `prefix=logs/a/`,
so every signed request with a "/" in a query value (ListObjectsV2 with a prefix or a delimiter)
fails with SignatureDoesNotMatch; likewise any request for a key such as `t/dt=2024-01-01/x`
(sent as `dt%3D2024-01-01`, re-signed as `dt=2024-01-01`).
Upstream: getmoto/moto#5948 "S3 - IAM: SignatureDoesNotMatch on bucket-related methods" (open;
the `aws s3 ls s3://bucket/` failure there is this one: delimiter=%2F), with the unmerged fix
proposal getmoto/moto#5949 "S3: Fix Signature calculation for requests that contain a
querystring". No upstream issue was found for the path half.

The patch: only in the request that S3IAMRequest builds to re-sign (nothing moto uses to route or
answer the request changes), the path and query are replaced by the request target exactly as
the client sent it: werkzeug's server (which moto.server runs) keeps it in the WSGI environ as
RAW_URI / REQUEST_URI, and QUERY_STRING is its query. Each path segment and each query name and
value is brought to SigV4's canonical encoding (RFC 3986 unreserved characters bare, everything
else %XX with upper-case hex; S3 does not otherwise normalise the path). For what SDKs send that
is the raw target unchanged; botocore then sorts the query pairs as SigV4 requires. Where the
environ has no raw target, moto's own URL stays.

Written for moto 5.2.1. If the hook it patches is not there or has changed, this script stops
before the server starts and says so.
"""

import inspect
import sys
from urllib.parse import quote, unquote_to_bytes

WRITTEN_FOR_MOTO = "5.2.1"


def _refuse(reason):
    try:
        import moto

        installed = getattr(moto, "__version__", "unknown")
    except Exception:  # moto itself does not import: say that
        installed = "not importable"
    sys.exit(
        f"moto_server.py: {reason}. This bootstrap patches moto {WRITTEN_FOR_MOTO}'s S3 signature"
        f" check (moto.iam.access_control.S3IAMRequest._create_aws_request); the installed moto is"
        f" {installed}. Install `moto[server]=={WRITTEN_FOR_MOTO}` or update this bootstrap."
    )


try:
    import flask
    from moto.iam.access_control import S3IAMRequest
    from moto.server import main
except ImportError as e:
    _refuse(f"cannot import what it patches ({e})")

_original_create_aws_request = getattr(S3IAMRequest, "_create_aws_request", None)
try:
    _source = inspect.getsource(_original_create_aws_request)
except (TypeError, OSError):
    _source = ""
# The hook must still build the request it re-signs from the decoded path moto passes in.
if "url=self._path" not in _source:
    _refuse("S3IAMRequest._create_aws_request is missing or no longer re-signs `self._path`")


def _canonical(component, safe):
    # SigV4: decode what the client escaped, then escape all but A-Z a-z 0-9 - _ . ~ (and "/"
    # between path segments). WSGI environ strings carry the request's bytes as latin-1.
    return quote(unquote_to_bytes(component.encode("latin-1")), safe=safe)


def _create_aws_request(self):
    request = _original_create_aws_request(self)
    # Outside a server request (moto used in-process, as a decorator) there is no raw target:
    # leave moto's own behaviour.
    if not flask.has_request_context():
        return request
    environ = flask.request.environ
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    if not target.startswith("/"):  # no raw target (or an absolute-form one): leave moto's URL
        return request
    path = _canonical(target.partition("?")[0], safe="/-_.~")
    raw_query = environ.get("QUERY_STRING", "")
    pairs = (pair.partition("=") for pair in raw_query.split("&") if pair)
    query = "&".join(f"{_canonical(k, '-_.~')}={_canonical(v, '-_.~')}" for k, _, v in pairs)
    request.url = f"{path}?{query}" if query else path
    return request


S3IAMRequest._create_aws_request = _create_aws_request

if __name__ == "__main__":
    main(sys.argv[1:])
