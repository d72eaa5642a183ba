"""An SMTP upstream: a mail server on 127.0.0.1 that accepts what a function sends (through
nodemailer, say) and records each message, so a case can check the envelope and the
message itself.

    "upstreams": {"mail": {"smtp": {"user": "robot", "password": "s3cret"}}}

__UPSTREAM_mail__ is "smtp://127.0.0.1:PORT". With "user", the server offers AUTH PLAIN and
LOGIN and refuses MAIL before a successful AUTH (530), as a submission server does. Each
accepted message is recorded like an HTTP request: method "MAIL", path "/", headers
("mail-from", the sender), ("rcpt-to", each recipient) and ("auth-user", who logged in),
body the message as sent after DATA (dot-stuffing undone, CRLF kept)."""

import base64
import socket
import socketserver

from .upstream import RecordingServer, Request


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpUpstream(RecordingServer):
    scheme = "smtp"

    def __init__(self, name, spec):
        super().__init__(name)
        self.auth = spec.get("smtp") or {}

    def start(self):
        upstream = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                upstream.converse(self.rfile, self.wfile)

        self.serve(_Server(("127.0.0.1", 0), Handler))

    def converse(self, rfile, wfile):
        def say(line):
            wfile.write((line + "\r\n").encode())
            wfile.flush()

        def read():
            line = rfile.readline()
            return line.decode("utf-8", "replace").rstrip("\r\n") if line else None

        say("220 sbfn-spec ESMTP ready")
        user, sender, recipients = None, None, []
        needs_auth = bool(self.auth.get("user"))
        while True:
            line = read()
            if line is None:
                return
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                if verb == "HELO":
                    say("250 sbfn-spec")
                    continue
                say("250-sbfn-spec")
                say("250-8BITMIME")
                say("250-SIZE 10485760")
                say("250 AUTH PLAIN LOGIN" if needs_auth else "250 SMTPUTF8")
            elif verb == "AUTH":
                user = self.authenticate(arg, read, say)
            elif verb == "MAIL":
                if needs_auth and user is None:
                    say("530 5.7.0 Authentication required")
                    continue
                sender, recipients = _address(arg), []
                say("250 2.1.0 OK")
            elif verb == "RCPT":
                recipients.append(_address(arg))
                say("250 2.1.5 OK")
            elif verb == "DATA":
                if sender is None or not recipients:
                    say("503 5.5.1 MAIL and RCPT first")
                    continue
                say("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while True:
                    raw = rfile.readline()
                    if not raw or raw in (b".\r\n", b".\n"):
                        break
                    data += raw[1:] if raw.startswith(b"..") else raw
                headers = [("mail-from", sender)] + [("rcpt-to", r) for r in recipients]
                headers.append(("auth-user", user or ""))
                with self.lock:
                    self.requests.append(Request("MAIL", "/", headers, data))
                say("250 2.0.0 OK queued as %d" % len(self.requests))
                sender, recipients = None, []
            elif verb == "RSET":
                sender, recipients = None, []
                say("250 2.0.0 OK")
            elif verb == "NOOP":
                say("250 2.0.0 OK")
            elif verb == "QUIT":
                say("221 2.0.0 Bye")
                return
            else:
                say("502 5.5.2 Command not recognized")

    def authenticate(self, arg, read, say):
        """The user name when AUTH PLAIN or LOGIN succeeds (235), else None (535)."""
        mechanism, _, initial = arg.partition(" ")
        try:
            if mechanism.upper() == "PLAIN":
                if not initial:
                    say("334 ")
                    initial = read() or ""
                _authzid, user, password = base64.b64decode(initial).decode().split("\0")
            elif mechanism.upper() == "LOGIN":
                say("334 " + base64.b64encode(b"Username:").decode())
                user = base64.b64decode(read() or "").decode()
                say("334 " + base64.b64encode(b"Password:").decode())
                password = base64.b64decode(read() or "").decode()
            else:
                say("504 5.5.4 Unrecognized authentication type")
                return None
        except ValueError:
            say("501 5.5.2 Cannot decode the response")
            return None
        if user == self.auth.get("user") and password == self.auth.get("password"):
            say("235 2.7.0 Authentication successful")
            return user
        say("535 5.7.8 Authentication credentials invalid")
        return None


def _address(arg):
    """The address in `FROM:<a@b> SIZE=...` or `TO:<a@b>`."""
    start, end = arg.find("<"), arg.find(">")
    return arg[start + 1:end] if 0 <= start < end else arg.partition(":")[2].strip()
