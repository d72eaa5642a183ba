#!/usr/bin/env python3
"""npm:postgres@3 (porsager) and npm:pg@8 (node-postgres) from the public npm registry,
run by `sbfn serve` against a real PostgreSQL on 127.0.0.1: once without TLS, once with
TLS only (a server certificate for localhost and 127.0.0.1 from a CA this test makes with
openssl; the functions are given the CA). Each function (postgres/functions/) answers one
step per request: create a table, insert with a parameterized (prepared) statement,
select, a committed and a rolled-back transaction, ten queries at once over three
connections, and whether its connection is TLS; then, with TLS, connection strings whose
sslmode takes any certificate or refuses this one (no CA given), and a user that logs in
with a client certificate. Each library logs in with an md5 password in one round, with
SCRAM-SHA-256 in the other.

    postgres_test.py SBFN      # build/sbfn, or tests/specs/deno_oracle/sbfn for real Deno

The PostgreSQL server is Debian's (`postgresql`, scripts/bootstrap.sh), started as the
`postgres` user (it refuses root) in a temporary folder, on a free port. When the public
npm registry cannot be reached the test FAILS saying so (tests/specs/spec/public_npm.py).
Everything started here is stopped at the end, whatever happened."""
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "specs"))
from spec import public_npm  # noqa: E402
from spec.server import Server, scrubbed_env  # noqa: E402

USER = "sbfn"
SCRAM_USER = "sbfn_scram"
CERT_USER = "sbfn_cert"
PASSWORD = "sbfn-secret"
DATABASE = "postgres"
STEP_TIMEOUT_S = 120  # the first request of a function fetches its package


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name):
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/" + name))
    if not found:
        fail("PostgreSQL's %s is not installed (Debian's postgresql: scripts/bootstrap.sh)" % name)
    return found[-1]


def as_postgres(args):
    # PostgreSQL refuses to run as root: its programs run as the `postgres` user. setpriv
    # execs the program itself, so the process started here is the server, and signals
    # sent to it reach the server.
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + args


def make_certs(folder):
    """A CA and a server certificate for localhost and 127.0.0.1 signed by it."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, cwd=folder,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", "ca.key",
        "-out", "ca.pem", "-subj", "/CN=sbfn postgres test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=localhost")
    with open(os.path.join(folder, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-out", "server.pem", "-extfile", "ext.cnf")
    # A client certificate for CERT_USER ("cert" authentication: its CN is the user).
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr",
        "-subj", "/CN=" + CERT_USER)
    with open(os.path.join(folder, "client_ext.cnf"), "w") as f:
        f.write("basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n")
    run("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-out", "client.pem", "-extfile", "client_ext.cnf")
    os.remove(os.path.join(folder, "ca.key"))


class Postgres:
    """A PostgreSQL cluster in `folder`, started and stopped by start()/stop()."""

    def __init__(self, folder):
        self.folder = folder
        self.data = os.path.join(folder, "data")
        self.port = free_port()
        self.proc = None
        self.log = os.path.join(folder, "postgres.log")
        postgres = pwd.getpwnam("postgres")
        os.chown(folder, postgres.pw_uid, postgres.pw_gid)
        self.password_set = False
        subprocess.run(as_postgres([pg_bin("initdb"), "-D", self.data, "-U", USER, "--auth-local=trust",
                                    "--auth-host=md5"]),
                       check=True, stdout=subprocess.DEVNULL)
        # TCP with a password only (TLS only, in the TLS round); the Unix socket in this
        # folder, without one, is the test's own way in to set the password.
        for name, kind in (("plain_hba.conf", "host"), ("tls_hba.conf", "hostssl")):
            path = os.path.join(folder, name)
            with open(path, "w") as f:
                f.write("local all all trust\n")
                if kind == "hostssl":
                    f.write("hostssl all %s 127.0.0.1/32 cert\n" % CERT_USER)
                f.write("%s all all 127.0.0.1/32 md5\n" % kind)
            os.chown(path, postgres.pw_uid, postgres.pw_gid)
        make_certs(folder)
        for name in os.listdir(folder):
            if name.endswith((".pem", ".key")):
                os.chown(os.path.join(folder, name), postgres.pw_uid, postgres.pw_gid)
                os.chmod(os.path.join(folder, name), 0o600)

    def start(self, tls):
        options = ["-c", "listen_addresses=127.0.0.1", "-p", str(self.port),
                   "-c", "unix_socket_directories=" + self.folder,
                   "-c", "hba_file=" + os.path.join(self.folder, "tls_hba.conf" if tls else "plain_hba.conf")]
        if tls:
            options += ["-c", "ssl=on",
                        "-c", "ssl_cert_file=" + os.path.join(self.folder, "server.pem"),
                        "-c", "ssl_key_file=" + os.path.join(self.folder, "server.key"),
                        "-c", "ssl_ca_file=" + os.path.join(self.folder, "ca.pem")]
        log = open(self.log, "ab")
        self.proc = subprocess.Popen(as_postgres([pg_bin("postgres"), "-D", self.data] + options),
                                     stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                fail("postgres exited with %s:\n%s" % (self.proc.returncode, self.tail()))
            ready = subprocess.run([pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if ready.returncode == 0:
                self.set_password()
                return
            time.sleep(0.2)
        fail("postgres did not accept connections within 60 s:\n" + self.tail())

    def set_password(self):
        # USER's password stored as md5, SCRAM_USER's as SCRAM-SHA-256 (PostgreSQL's
        # default; postgres.js computes it with crypto.pbkdf2Sync, pg with crypto.subtle).
        # The "md5" hba method asks each for what its password is stored as.
        if self.password_set:
            return
        statement = ("set password_encryption = 'md5'; alter user %s password '%s'; "
                     "set password_encryption = 'scram-sha-256'; "
                     "create user %s superuser password '%s'; create user %s"
                     % (USER, PASSWORD, SCRAM_USER, PASSWORD, CERT_USER))
        subprocess.run(as_postgres([pg_bin("psql"), "-h", self.folder, "-p", str(self.port),
                                    "-U", USER, "-d", DATABASE, "-q", "-c", statement]),
                       check=True, stdout=subprocess.DEVNULL)
        self.password_set = True

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def tail(self):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-20:])
        except OSError:
            return ""


def post(base, function, body):
    request = urllib.request.Request(base + function, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=STEP_TIMEOUT_S) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace")
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text


def check_function(base, function, db, tls):
    """Every step of one function; returns a list of failures."""
    failures = []
    table = "t_" + function.replace("-", "_") + ("_tls" if tls else "_plain")

    def step(step_name, expected, **extra):
        status, body = post(base, function, {"step": step_name, "db": db, "table": table, **extra})
        label = "%s (%s) %s" % (function, "TLS" if tls else "no TLS", step_name)
        if status != 200 or (expected is not None and body != expected):
            failures.append("%s: got %s %s, expected 200 %s" % (label, status, body, expected))
        else:
            print("ok   %s" % label)
        return body

    step("create", {"ok": True})
    first = step("insert", None, name="alpha", n=1)
    second = step("insert", None, name="beta", n=2)
    if isinstance(first, dict) and isinstance(second, dict) and second.get("id") != first.get("id", 0) + 1:
        failures.append("%s: ids %s then %s" % (function, first, second))
    step("select", {"rows": [{"name": "alpha", "n": 1}, {"name": "beta", "n": 2}]})
    step("transaction", {"count": 4, "rolledBack": "undo"})
    step("concurrent", {"ns": list(range(10))})
    step("tls", {"ssl": tls})
    return failures


def check_sslmodes(base, function, db, lax_mode):
    """TLS from a connection string's sslmode, without the CA: `lax_mode` takes any
    certificate; verify-full refuses this one (the system's CAs do not know it)."""
    failures = []
    db = {key: value for key, value in db.items() if key != "ca"}
    for mode, expected_status, expected in ((lax_mode, 200, {"ssl": True}),
                                            # The server sends its CA too (ssl_ca_file).
                                            ("verify-full", 500, "SELF_SIGNED_CERT_IN_CHAIN")):
        status, body = post(base, function, {"step": "tls", "db": dict(db, sslmode=mode),
                                             "table": "unused"})
        got = body if status == 200 else (body.get("code") if isinstance(body, dict) else body)
        label = "%s (TLS) sslmode=%s" % (function, mode)
        if status != expected_status or got != expected:
            failures.append("%s: got %s %s, expected %s %s" % (label, status, body, expected_status, expected))
        else:
            print("ok   %s" % label)
    return failures


def check_client_certificate(base, function, db, folder):
    """CERT_USER logs in with its certificate alone (TLS with a client certificate)."""
    with open(os.path.join(folder, "client.pem")) as f:
        cert = f.read()
    with open(os.path.join(folder, "client.key")) as f:
        key = f.read()
    db = dict(db, user=CERT_USER, password="", cert=cert, key=key)
    status, body = post(base, function, {"step": "tls", "db": db, "table": "unused"})
    label = "%s (TLS) client certificate" % function
    if status != 200 or body != {"ssl": True}:
        return ["%s: got %s %s, expected 200 {'ssl': True}" % (label, status, body)]
    print("ok   %s" % label)
    return []


def main():
    if len(sys.argv) != 2:
        fail("usage: postgres_test.py SBFN")
    binary = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        fail("runs as root: PostgreSQL is started as the `postgres` user (setpriv)")
    registry = public_npm.registry_url()
    reason = public_npm.unreachable(registry)
    if reason is not None:
        fail(public_npm.failure_message(registry, reason))

    root = tempfile.mkdtemp(prefix="sbfn-postgres-test-")
    os.chmod(root, 0o755)
    pg_folder = os.path.join(root, "pg")
    os.mkdir(pg_folder)
    functions = os.path.join(root, "functions")
    shutil.copytree(os.path.join(here, "postgres", "functions"), functions)
    postgres = None
    server = None
    failures = []
    try:
        postgres = Postgres(pg_folder)
        with open(os.path.join(pg_folder, "ca.pem")) as f:
            ca = f.read()
        env = scrubbed_env(root, {"NPM_CONFIG_REGISTRY": registry})
        os.makedirs(env["HOME"], exist_ok=True)
        # Relative to the server's folder (the Deno stand-in reads it so).
        server = Server(binary, ["--functions-dir", "functions", "--no-verify-jwt"], root, env)
        server.wait_for_banner()
        host = server.host.strip("[]")
        base = "http://%s:%d/functions/v1/" % (host, server.port)
        for tls in (False, True):
            postgres.start(tls)
            try:
                # Each library logs in once with md5 (USER), once with SCRAM (SCRAM_USER).
                users = (USER, SCRAM_USER) if not tls else (SCRAM_USER, USER)
                for function, db_host, user in (("postgres-js", "localhost", users[0]),
                                                ("node-pg", "127.0.0.1", users[1])):
                    db = {"host": db_host, "port": postgres.port, "user": user,
                          "password": PASSWORD, "database": DATABASE}
                    if tls:
                        db["ca"] = ca
                    failures += check_function(base, function, db, tls)
                    if tls:
                        lax = "require" if function == "postgres-js" else "no-verify"
                        failures += check_sslmodes(base, function, db, lax)
                        failures += check_client_certificate(base, function, db, pg_folder)
            finally:
                postgres.stop()
    finally:
        if server is not None:
            server.stop()
            if failures:
                print(server.output.tail(), file=sys.stderr)
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(root, ignore_errors=True)
    if failures:
        fail("\n".join(failures))
    print("ok: npm:postgres and npm:pg against PostgreSQL, with and without TLS")


if __name__ == "__main__":
    main()
