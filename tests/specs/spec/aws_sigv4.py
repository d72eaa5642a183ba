"""AWS Signature Version 4 checked on a request an upstream received, by botocore (AWS's own
Python signer, an implementation independent of the AWS SDK for JavaScript that functions
use): the signature is computed again from what arrived on the wire, with the case's
secret, over exactly the headers the client said it signed. The payload is checked too:
its SHA-256 (x-amz-content-sha256), or for an aws-chunked body (the SDK's flexible
checksums) the decoded length and the trailing CRC32.

    "upstreams": {"s3": {"aws_sigv4": {"access_key_id": "AKID...", "secret_access_key": "...",
                                       "region": "eu-west-1", "service": "s3"},
                         "routes": [...]}}

A request that fails any check is answered 403 with S3's SignatureDoesNotMatch error, and
the reason is kept with the recorded request (upstream_log shows it)."""

import base64
import hashlib
import re
import zlib

AUTH_RE = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,"
                     r"\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$")


def _botocore():
    try:
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
    except ImportError as error:  # a setup problem: say so instead of passing anything
        raise RuntimeError("aws_sigv4 upstreams need botocore (Debian: python3-botocore, "
                           "which scripts/bootstrap.sh installs): %s" % error)
    return botocore


def decode_aws_chunked(body):
    """(payload, trailers) of an aws-chunked body: hex size lines, data, a 0 chunk, trailers."""
    payload, trailers, rest = b"", {}, body
    while True:
        line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            raise ValueError("aws-chunked body ends inside a chunk header")
        size = int(line.split(b";")[0], 16)
        if size == 0:
            break
        payload, rest = payload + rest[:size], rest[size + 2:]
    for line in rest.split(b"\r\n"):
        if line:
            name, _, value = line.decode().partition(":")
            trailers[name.strip().lower()] = value.strip()
    return payload, trailers


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def check(spec, method, target, headers, body, scheme_host):
    """(problem or None, the payload as the client meant it)."""
    lower = {}
    for name, value in headers:
        lower.setdefault(name.lower(), value)
    match = AUTH_RE.match(lower.get("authorization", ""))
    if not match:
        return "no AWS4-HMAC-SHA256 Authorization header", body
    key_id, date, region, service, signed, signature = match.groups()
    amz_date = lower.get("x-amz-date", "")
    if key_id != spec["access_key_id"]:
        return "unknown access key %s" % key_id, body
    if (region, service) != (spec["region"], spec["service"]) or not amz_date.startswith(date):
        return "credential scope %s/%s/%s does not fit x-amz-date %s" % (date, region, service,
                                                                         amz_date), body
    botocore = _botocore()
    names = signed.split(";")
    if "host" not in names:
        return "host is not signed", body
    request = botocore.awsrequest.AWSRequest(
        method=method, url=scheme_host + target,
        headers={n: lower[n] for n in names if n in lower}, data=body)
    request.context["timestamp"] = amz_date
    signer_class = botocore.auth.S3SigV4Auth if service == "s3" else botocore.auth.SigV4Auth
    signer = signer_class(botocore.credentials.Credentials(spec["access_key_id"],
                                                           spec["secret_access_key"]),
                          service, region)
    missing = [n for n in names if n not in lower]
    left_out = [n for n in signer.headers_to_sign(request) if n not in names]
    if missing or left_out:
        return "signed headers %s do not match those sent (missing %s, not signable %s)" % (
            signed, missing, left_out), body
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if expected != signature:
        return "signature %s, botocore computes %s over:\n%s" % (signature, expected, canonical), body
    return payload_problem(lower, body)


def payload_problem(lower, body):
    declared = lower.get("x-amz-content-sha256")
    payload = body
    if declared is None:
        return "no x-amz-content-sha256 header", body
    if declared.startswith("STREAMING-"):
        if declared != "STREAMING-UNSIGNED-PAYLOAD-TRAILER":
            return "payload mode %s is not checked by this fixture" % declared, body
        try:
            payload, trailers = decode_aws_chunked(body)
        except ValueError as error:
            return str(error), body
        if str(len(payload)) != lower.get("x-amz-decoded-content-length"):
            return "x-amz-decoded-content-length %s, decoded %d bytes" % (
                lower.get("x-amz-decoded-content-length"), len(payload)), payload
        for name, value in trailers.items():
            if name == "x-amz-checksum-crc32" and value != crc32_b64(payload):
                return "trailing CRC32 %s, the payload's is %s" % (value, crc32_b64(payload)), payload
    elif declared != "UNSIGNED-PAYLOAD" and declared != hashlib.sha256(body).hexdigest():
        return "x-amz-content-sha256 %s is not the body's SHA-256" % declared, body
    crc = lower.get("x-amz-checksum-crc32")
    if crc is not None and crc != crc32_b64(payload):
        return "x-amz-checksum-crc32 %s, the payload's is %s" % (crc, crc32_b64(payload)), payload
    return None, payload


def refusal(problem):
    message = problem.splitlines()[0].replace("&", "&amp;").replace("<", "&lt;")
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code>"
            "<Message>%s</Message></Error>" % message).encode()
