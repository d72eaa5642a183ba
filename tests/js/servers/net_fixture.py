#!/usr/bin/env python3
"""Servers the Deno network tests talk to, on 127.0.0.1 (tests/js/deno_net_test.js).

Prints one JSON line once every listener accepts; each key becomes an environment
variable of the tests (the harness prefixes SBFN_TEST_ and upper-cases it):
  tcp_echo     host:port of a TCP server that echoes what it reads until the peer
               half-closes, then closes
  tls_echo     host:port of the same over TLS, with a certificate for localhost and
               127.0.0.1 from a CA made at start with the openssl CLI; it picks "echo/1"
               when a client offers it by ALPN
  tls_ca_pem   that CA, as PEM text (the tests pass it as caCerts)
  starttls_echo host:port of a server that answers a first line "STARTTLS" with "OK\n",
               then speaks TLS (the tls_echo certificate) and echoes (node:tls upgrading
               a net.Socket, as Postgres drivers do after their SSLRequest)
  tls_mutual_echo  host:port of the TLS echo that also asks for a client certificate
               from the tls_echo CA, refusing clients without one
  tls_client_cert_pem, tls_client_key_pem  such a client certificate and its key (PEM)
  tcp_closed   host:port where nothing listens (a port the system gave, then closed)
  ws_echo      ws://host:port/ of a WebSocket (RFC 6455) server that echoes text and
               binary messages and answers a close with the same code and reason; it
               accepts the first subprotocol offered
  wss_echo     wss://localhost:port/ of the same over TLS, with a certificate from a
               second CA, which the tests trust through DENO_CERT (as Deno reads it)
  env          DENO_CERT: the file holding that second CA, set for the tests as it is
               (the harness exports the "env" object's entries unprefixed)
Nothing secret is committed: the keys live in temporary folders removed at exit (the
second CA's certificate, which is not secret, until then). Stops on SIGTERM or when
stdin closes.
"""
import base64
import hashlib
import json
import os
import shutil
import socket
import ssl
import struct
import subprocess
import tempfile
import threading

from lifetime import run_until_stopped  # noqa: E402 (a sibling module)
from test_ca import make_certs, make_client_cert  # noqa: E402 (a sibling module)


def echo(conn):
    with conn:
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                conn.sendall(data)
        except OSError:
            pass


def serve_forever(listener, handler, wrap=None):
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return

        def run(conn=conn):
            if wrap is not None:
                try:
                    conn = wrap(conn)
                except (OSError, ssl.SSLError):
                    conn.close()
                    return
            handler(conn)

        threading.Thread(target=run, daemon=True).start()


def recv_exact(conn, n):
    out = b""
    while len(out) < n:
        chunk = conn.recv(n - len(out))
        if not chunk:
            raise EOFError
        out += chunk
    return out


def send_frame(conn, opcode, payload):
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        head += bytes([len(payload)])
    elif len(payload) < 65536:
        head += bytes([126]) + struct.pack("!H", len(payload))
    else:
        head += bytes([127]) + struct.pack("!Q", len(payload))
    conn.sendall(head + payload)


def websocket_echo(conn):
    with conn:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            lines = request.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            accept = base64.b64encode(hashlib.sha1(
                (headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()
            ).digest()).decode()
            response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n")
            protocols = headers.get("sec-websocket-protocol")
            if protocols:
                response += "Sec-WebSocket-Protocol: " + protocols.split(",")[0].strip() + "\r\n"
            conn.sendall((response + "\r\n").encode())
            message, message_opcode = b"", 0
            while True:
                first, second = recv_exact(conn, 2)
                opcode, fin = first & 0x0F, first & 0x80
                length = second & 0x7F
                if length == 126:
                    length = struct.unpack("!H", recv_exact(conn, 2))[0]
                elif length == 127:
                    length = struct.unpack("!Q", recv_exact(conn, 8))[0]
                mask = recv_exact(conn, 4) if second & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(recv_exact(conn, length)))
                if opcode == 8:
                    send_frame(conn, 8, payload)
                    return
                if opcode == 9:
                    send_frame(conn, 10, payload)
                    continue
                if opcode == 10:
                    continue
                if opcode != 0:
                    message_opcode = opcode
                message += payload
                if fin:
                    send_frame(conn, message_opcode, message)
                    message = b""
        except (EOFError, OSError, KeyError):
            pass


def starttls_echo(context):
    def handle(conn):
        try:
            line = b""
            while not line.endswith(b"\n"):
                chunk = conn.recv(1)
                if not chunk:
                    conn.close()
                    return
                line += chunk
            if line.strip() != b"STARTTLS":
                conn.sendall(b"NO\n")
                conn.close()
                return
            conn.sendall(b"OK\n")
            conn = context.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError):
            conn.close()
            return
        echo(conn)
    return handle


def listen():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    return listener


def tls_context(folder, ca_name):
    """A server context with a certificate from a new CA, and that CA's certificate file."""
    ca, cert, key = make_certs(folder, ca_name)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, ca


def main():
    folder = tempfile.mkdtemp(prefix="sbfn-net-fixture-")
    trusted = tempfile.mkdtemp(prefix="sbfn-net-fixture-ca-")  # DENO_CERT's, kept until exit
    try:
        context, ca = tls_context(folder, "sbfn test CA")
        context.set_alpn_protocols(["echo/1"])
        client_cert, client_key = make_client_cert(folder)  # before the next CA replaces ca.key
        with open(client_cert) as f:
            client_cert_pem = f.read()
        with open(client_key) as f:
            client_key_pem = f.read()
        mutual_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        mutual_context.load_cert_chain(os.path.join(folder, "server.pem"),
                                       os.path.join(folder, "server.key"))
        mutual_context.verify_mode = ssl.CERT_REQUIRED
        mutual_context.load_verify_locations(ca)
        with open(ca) as f:
            ca_pem = f.read()
        wss_context, wss_ca = tls_context(folder, "sbfn wss test CA")
        deno_cert = os.path.join(trusted, "ca.pem")
        shutil.copy(wss_ca, deno_cert)
        tcp, tls, ws, wss, starttls = listen(), listen(), listen(), listen(), listen()
        mutual = listen()
        threading.Thread(target=serve_forever,
                         args=(mutual, echo,
                               lambda c: mutual_context.wrap_socket(c, server_side=True)),
                         daemon=True).start()
        threading.Thread(target=serve_forever, args=(starttls, starttls_echo(context)),
                         daemon=True).start()
        threading.Thread(target=serve_forever, args=(tcp, echo), daemon=True).start()
        threading.Thread(target=serve_forever,
                         args=(tls, echo, lambda c: context.wrap_socket(c, server_side=True)),
                         daemon=True).start()
        threading.Thread(target=serve_forever, args=(ws, websocket_echo), daemon=True).start()
        threading.Thread(target=serve_forever,
                         args=(wss, websocket_echo,
                               lambda c: wss_context.wrap_socket(c, server_side=True)),
                         daemon=True).start()
        address = lambda s: "127.0.0.1:%d" % s.getsockname()[1]
        closed = listen()
        closed_address = address(closed)
        closed.close()
        print(json.dumps({"tcp_echo": address(tcp), "tls_echo": address(tls),
                          "tls_ca_pem": ca_pem, "starttls_echo": address(starttls),
                          "tls_mutual_echo": address(mutual),
                          "tls_client_cert_pem": client_cert_pem,
                          "tls_client_key_pem": client_key_pem,
                          "tcp_closed": closed_address,
                          "ws_echo": "ws://%s/" % address(ws),
                          "wss_echo": "wss://localhost:%d/" % wss.getsockname()[1],
                          "env": {"DENO_CERT": deno_cert}}),
              flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the contexts hold the keys in memory

    run_until_stopped(lambda: shutil.rmtree(trusted, ignore_errors=True))


if __name__ == "__main__":
    main()
