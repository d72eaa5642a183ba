#!/usr/bin/env python3
"""A DNS server the Deno.resolveDns tests query, on 127.0.0.1 (tests/js/deno_dns_test.js).

A small UDP responder (standard library only) that answers from the table below: one
record set per (name, type) under `sbfn.test.`, with a few names that answer with an
error code or not at all. Prints one JSON line once it listens; each key becomes an
environment variable of the tests (the harness prefixes SBFN_TEST_ and upper-cases it):
  dns_port         the port of the responder (UDP, and TCP answering the same table for
                   resolvers that retry truncated answers over TCP)
  dns_closed_port  a UDP port nothing listens on
  dns_silent_port  a UDP port that reads queries and never answers
Stops on SIGTERM or when stdin closes.
"""
import ipaddress
import json
import socket
import socketserver
import struct
import threading

from lifetime import run_until_stopped  # noqa: E402 (a sibling module)

ZONE = "sbfn.test."
TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28,
         "SRV": 33, "NAPTR": 35, "HINFO": 13, "CAA": 257, "ANAME": 65305}


def name(text):
    """A domain name in wire form, uncompressed."""
    out = b""
    for label in text.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def strings(*parts):
    """<character-string>s: a length byte, then the bytes (str is encoded as Latin-1)."""
    out = b""
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("latin-1")
        out += bytes([len(data)]) + data
    return out


def caa(flags, tag, value):
    return bytes([flags, len(tag)]) + tag.encode() + value.encode()


def soa(mname, rname, serial, refresh, retry, expire, minimum):
    return name(mname) + name(rname) + struct.pack(">IIIII", serial, refresh, retry, expire,
                                                   minimum)


# (name, type) -> [(rtype, rdata)]; an answer may hold records of another type first
# (a CNAME before the addresses it leads to), as real servers send them.
def z(label):
    return (label + "." + ZONE) if label else ZONE


TABLE = {
    (z("a"), "A"): [("A", ipaddress.IPv4Address("192.0.2.1").packed),
                    ("A", ipaddress.IPv4Address("192.0.2.2").packed)],
    (z("a"), "AAAA"): [("AAAA", ipaddress.IPv6Address("2001:db8::1").packed)],
    (z("alias"), "A"): [("CNAME", name(z("a"))),
                        ("A", ipaddress.IPv4Address("192.0.2.1").packed)],
    (z("alias"), "CNAME"): [("CNAME", name(z("a")))],
    (z("aname"), "ANAME"): [("ANAME", name(z("target")))],
    (z("caa"), "CAA"): [("CAA", caa(0, "issue", "ca.example.net; account=230123")),
                        ("CAA", caa(0, "issuewild", ";")),
                        ("CAA", caa(128, "iodef", "mailto:security@example.net"))],
    (z("mx"), "MX"): [("MX", struct.pack(">H", 10) + name(z("mail1"))),
                      ("MX", struct.pack(">H", 20) + name(z("mail2")))],
    (z("naptr"), "NAPTR"): [
        ("NAPTR", struct.pack(">HH", 100, 10) + strings("S", "SIP+D2U", "")
         + name("_sip._udp." + ZONE)),
        ("NAPTR", struct.pack(">HH", 102, 20) + strings("U", "E2U+sip", "!^.*$!sip:info@example.net!")
         + name("."))],
    (ZONE, "NS"): [("NS", name(z("ns1"))), ("NS", name(z("ns2")))],
    ("1.2.0.192.in-addr.arpa.", "PTR"): [("PTR", name(z("a")))],
    (ZONE, "SOA"): [("SOA", soa(z("ns1"), z("hostmaster"), 2024010101, 7200, 3600, 1209600, 300))],
    # Fields past 2^31: Deno keeps refresh/retry/expire as signed 32-bit numbers.
    (z("soa-wide"), "SOA"): [("SOA", soa(z("ns1"), z("hostmaster"), 4294967295, 4294967295,
                                          2147483648, 4294967294, 4294967295))],
    (z("_http._tcp"), "SRV"): [("SRV", struct.pack(">HHH", 10, 60, 8080) + name(z("a"))),
                               ("SRV", struct.pack(">HHH", 20, 0, 80) + name(z("b")))],
    (z("txt"), "TXT"): [("TXT", strings("v=spf1 -all")),
                        ("TXT", strings("part one", "part two")),
                        ("TXT", strings(b"caf\xe9"))],  # Latin-1 bytes, as Deno reads them
    (z("hinfo"), "HINFO"): [("HINFO", strings("PC", "Linux"))],
}
# Names whose every query gets this response code (3 NXDOMAIN, 5 REFUSED, 2 SERVFAIL);
# "silent." is never answered (the abort test).
RCODES = {z("nx"): 3, z("refused"): 5, z("servfail"): 2}
SILENT = z("silent")


def parse_question(packet):
    """(id, flags, the question's bytes, its lower-cased name, its type) or None."""
    if len(packet) < 12:
        return None
    ident, flags, qdcount = struct.unpack(">HHH", packet[:6])
    if qdcount != 1:
        return None
    pos, labels = 12, []
    while pos < len(packet) and packet[pos] != 0:
        length = packet[pos]
        labels.append(packet[pos + 1:pos + 1 + length].decode("latin-1"))
        pos += 1 + length
    pos += 1
    if pos + 4 > len(packet):
        return None
    qtype, _ = struct.unpack(">HH", packet[pos:pos + 4])
    question = packet[12:pos + 4]
    return ident, flags, question, ".".join(labels).lower() + ".", qtype


def answer(packet):
    """The response to a query, or None to stay silent."""
    parsed = parse_question(packet)
    if parsed is None:
        return None
    ident, flags, question, qname, qtype = parsed
    if qname == SILENT:
        return None
    rcode = RCODES.get(qname, 0)
    records = []
    if rcode == 0:
        type_name = next((k for k, v in TYPES.items() if v == qtype), None)
        records = TABLE.get((qname, type_name), [])
        if not records and not any(key[0] == qname for key in TABLE):
            rcode = 3  # a name the table does not hold at all
    # QR, opcode copied, AA, RD copied, RA; the code.
    out_flags = 0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | rcode
    body = b""
    owner = qname
    for rtype, rdata in records:
        body += name(owner) + struct.pack(">HHIH", TYPES[rtype], 1, 300, len(rdata)) + rdata
        if rtype == "CNAME" and TYPES["CNAME"] != qtype:
            owner = rdata_name(rdata)
    header = struct.pack(">HHHHHH", ident, out_flags, 1, len(records), 0, 0)
    return header + question + body


def rdata_name(rdata):
    labels, pos = [], 0
    while rdata[pos] != 0:
        labels.append(rdata[pos + 1:pos + 1 + rdata[pos]].decode())
        pos += 1 + rdata[pos]
    return ".".join(labels) + "."


def serve_udp(sock):
    while True:
        try:
            packet, peer = sock.recvfrom(4096)
        except OSError:
            return
        response = answer(packet)
        if response is not None:
            sock.sendto(response, peer)


class TcpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            head = self.request.recv(2)
            if len(head) < 2:
                return
            length = struct.unpack(">H", head)[0]
            packet = b""
            while len(packet) < length:
                data = self.request.recv(length - len(packet))
                if not data:
                    return
                packet += data
            response = answer(packet)
            if response is None:
                return
            self.request.sendall(struct.pack(">H", len(response)) + response)


class TcpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    while True:  # a UDP port whose TCP twin is free too
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        port = udp.getsockname()[1]
        try:
            tcp = TcpServer(("127.0.0.1", port), TcpHandler)
            break
        except OSError:
            udp.close()
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    threading.Thread(target=serve_udp, args=(udp,), daemon=True).start()
    threading.Thread(target=tcp.serve_forever, daemon=True).start()
    print(json.dumps({"dns_port": str(port), "dns_closed_port": str(closed_port),
                      "dns_silent_port": str(silent.getsockname()[1])}), flush=True)
    run_until_stopped()


if __name__ == "__main__":
    main()
