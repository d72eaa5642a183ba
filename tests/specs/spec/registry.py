"""A fixture registry for one case: npm, jsr and plain https-style modules served from a
folder of the case, on 127.0.0.1, by a real HTTP server. Packuments, tarballs, jsr
metadata and checksums are computed from the files at start, so a case holds only
sources.

    <folder>/npm/<name>/<version>/...        a package (its package.json included);
                                             scoped: npm/@scope/name/<version>/
    <folder>/npm/<name>/dist-tags.json       optional: {"latest": "1.0.0", "next": "2.0.0-rc.1"}
    <folder>/jsr/@scope/name/<version>/...   a jsr package; exports from its jsr.json or
                                             deno.json; a file named .yanked yanks it
    <folder>/remote/...                      served at /remote/...
    <folder>/registry.json                   optional behaviour:
        {"redirects": {"/remote/a.ts": "/remote/b.ts"},
         "content_types": {"/remote/x": "application/typescript"},
         "npm_token": "secret",               npm needs "Authorization: Bearer secret"
         "cut_once": ["/npm/big/-/big-1.0.0.tgz"],   the first download stops half-way
         "reset": ["/remote/mod.ts"]}         every download stops half-way with a TCP reset
                                              (Registry.options may be changed while serving)

URLs: npm at <base>/npm/, jsr at <base>/jsr/, modules at <base>/remote/. Every request
is logged (method and path) so a case can check what sbfn asked for.
"""

import base64
import gzip
import hashlib
import io
import json
import os
import re
import socket
import struct
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from .errors import CaseError

VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$")


def version_key(version):
    """Orders versions as semver does: a prerelease sorts before its release."""
    match = VERSION_RE.match(version)
    if not match:
        return ((0, 0, 0), 0, ())
    major, minor, patch, pre = match.groups()
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in (pre or "").split(".")
                  if pre)
    return ((int(major), int(minor), int(patch)), 0 if pre else 1, parts)


def deterministic_tgz(folder):
    """The folder as npm packs it: every entry under package/, fixed times and owners."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for base, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(base, name)
                info = tarfile.TarInfo("package/" + os.path.relpath(path, folder))
                with open(path, "rb") as handle:
                    data = handle.read()
                info.size = len(data)
                info.mode = 0o644
                info.mtime = 0
                tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def read_json(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def package_dirs(root):
    """(name, folder) for npm/<name> and npm/@scope/<name>."""
    if not os.path.isdir(root):
        return
    for entry in sorted(os.listdir(root)):
        path = os.path.join(root, entry)
        if entry.startswith("@"):
            for sub in sorted(os.listdir(path)):
                yield entry + "/" + sub, os.path.join(path, sub)
        elif os.path.isdir(path):
            yield entry, path


class RegistryServer(ThreadingHTTPServer):
    # The default backlog of 5 drops the SYNs of a client opening 16 connections at once,
    # which then waits a second to retry.
    request_queue_size = 128
    daemon_threads = True


class Registry:
    def __init__(self, folder):
        self.folder = folder
        self.options = read_json(os.path.join(folder, "registry.json"), {})
        self.requests = []
        self.lock = threading.Lock()
        self.cut_done = set()
        self.server = None
        self.thread = None
        self.port = None
        self.npm = {}        # name -> packument (without base URL: filled per request)
        self.tarballs = {}   # "/npm/<name>/-/<file>.tgz" -> bytes
        self.jsr = {}        # "/jsr/@s/n/..." -> (bytes, content type)

    # -- contents -------------------------------------------------------------------

    def build(self):
        for name, path in package_dirs(os.path.join(self.folder, "npm")):
            self.build_npm(name, path)
        for name, path in package_dirs(os.path.join(self.folder, "jsr")):
            self.build_jsr(name, path)

    def build_npm(self, name, folder):
        versions = {}
        for version in sorted(os.listdir(folder), key=version_key):
            source = os.path.join(folder, version)
            if not os.path.isdir(source):
                continue
            manifest = read_json(os.path.join(source, "package.json"))
            if manifest is None or manifest.get("version") != version:
                raise CaseError("registry: npm/%s/%s/package.json must say version %s"
                                % (name, version, version))
            tgz = deterministic_tgz(source)
            file_name = "%s-%s.tgz" % (name.split("/")[-1], version)
            tar_path = "/npm/%s/-/%s" % (name, file_name)
            self.tarballs[tar_path] = tgz
            manifest = dict(manifest)
            manifest["dist"] = {
                "tarball": "{base}" + tar_path,
                "shasum": hashlib.sha1(tgz).hexdigest(),
                "integrity": "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode(),
            }
            versions[version] = manifest
        releases = [v for v in versions if "-" not in v]
        tags = {"latest": max(releases or list(versions), key=version_key)} if versions else {}
        tags.update(read_json(os.path.join(folder, "dist-tags.json"), {}))
        self.npm[name] = {"name": name, "dist-tags": tags, "versions": versions}

    def build_jsr(self, name, folder):
        scope, short = name[1:].split("/", 1)
        versions = {}
        for version in sorted(os.listdir(folder), key=version_key):
            source = os.path.join(folder, version)
            if not os.path.isdir(source):
                continue
            manifest = {}
            for base, dirs, files in os.walk(source):
                dirs.sort()
                for file_name in sorted(files):
                    if file_name == ".yanked":
                        continue
                    path = os.path.join(base, file_name)
                    with open(path, "rb") as handle:
                        data = handle.read()
                    rel = "/" + os.path.relpath(path, source)
                    manifest[rel] = {"size": len(data),
                                     "checksum": "sha256-" + hashlib.sha256(data).hexdigest()}
                    self.jsr["/jsr/%s/%s%s" % (name, version, rel)] = (data, content_type(rel))
            config = (read_json(os.path.join(source, "jsr.json"))
                      or read_json(os.path.join(source, "deno.json")) or {})
            exports = config.get("exports", {})
            if isinstance(exports, str):
                exports = {".": exports}
            meta = json.dumps({"manifest": manifest, "exports": exports}, sort_keys=True).encode()
            self.jsr["/jsr/%s/%s_meta.json" % (name, version)] = (meta, "application/json")
            versions[version] = {"yanked": True} if os.path.exists(
                os.path.join(source, ".yanked")) else {}
        stable = [v for v, info in versions.items() if "-" not in v and not info]
        meta = {"scope": scope, "name": short, "versions": versions}
        if stable:
            meta["latest"] = max(stable, key=version_key)
        self.jsr["/jsr/%s/meta.json" % name] = (json.dumps(meta).encode(), "application/json")

    # -- serving --------------------------------------------------------------------

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def bind(self, port=0):
        """Takes a port, so that files can name the base URL before build() reads them."""
        registry = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm
                # and the client's delayed ACK cost 40 ms per kept-alive request.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self):  # noqa: N802 - the http.server name
                registry.handle(self)

            def do_POST(self):  # noqa: N802 - the http.server name
                # A stand-in upstream (an API a function calls): the body is read and
                # dropped, and the file under remote/ answers as it does a GET.
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                registry.handle(self)

        self.server = RegistryServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def serve(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def start(self):
        """Serves again on the same port after stop()."""
        self.bind(self.port)
        self.serve()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def handle(self, request):
        path = request.path.split("?", 1)[0]
        with self.lock:
            self.requests.append(request.command + " " + request.path)
        token = self.options.get("npm_token")
        if path.startswith("/npm/") and token and \
                request.headers.get("Authorization") != "Bearer " + token:
            return self.send(request, 401, b'{"error":"authentication required"}',
                             "application/json")
        redirect = self.options.get("redirects", {}).get(path)
        if redirect:
            return self.send(request, 302, b"", "text/plain", {"Location": redirect})
        if path in self.tarballs:
            return self.send_maybe_cut(request, path, self.tarballs[path])
        if path.startswith("/npm/"):
            name = unquote(path[len("/npm/"):])
            packument = self.npm.get(name)
            if packument is None:
                return self.send(request, 404, b'{"error":"Not found"}', "application/json")
            text = json.dumps(packument).replace("{base}", self.base)
            return self.send(request, 200, text.encode(), "application/json")
        if path in self.jsr:
            data, kind = self.jsr[path]
            return self.send(request, 200, data, kind)
        if request.command != "GET" and not path.startswith("/remote/"):
            return self.send(request, 405, b"Method Not Allowed", "text/plain")
        if path.startswith("/remote/"):
            file_path = os.path.normpath(os.path.join(self.folder, path.lstrip("/")))
            if file_path.startswith(os.path.join(self.folder, "remote")) and \
                    os.path.isfile(file_path):
                with open(file_path, "rb") as handle:
                    data = handle.read()
                kind = self.options.get("content_types", {}).get(path) or content_type(path)
                return self.send_maybe_cut(request, path, data, kind)
        return self.send(request, 404, b"Not Found", "text/plain")

    def send_maybe_cut(self, request, path, data, kind="application/octet-stream"):
        with self.lock:
            cut = path in self.options.get("cut_once", []) and path not in self.cut_done
            self.cut_done.add(path)
            reset = path in self.options.get("reset", [])
        if not cut and not reset:
            return self.send(request, 200, data, kind)
        request.send_response(200)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data[: len(data) // 2])
        request.wfile.flush()
        request.close_connection = True
        if reset:
            # A zero linger time makes the close send RST instead of FIN; closed here, the
            # socket is released when the handler's files close, before socketserver could
            # shut it down with a FIN.
            request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                          struct.pack("ii", 1, 0))
            request.connection.close()

    def send(self, request, status, body, kind, headers=None):
        request.send_response(status)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    def env(self):
        return {"NPM_CONFIG_REGISTRY": self.base + "/npm/", "JSR_URL": self.base + "/jsr/"}


def content_type(path):
    if path.endswith((".ts", ".mts", ".tsx")):
        return "application/typescript"
    if path.endswith((".js", ".mjs", ".cjs", ".jsx")):
        return "application/javascript"
    if path.endswith(".json"):
        return "application/json"
    return "application/octet-stream"
