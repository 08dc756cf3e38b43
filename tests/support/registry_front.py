#!/usr/bin/env python3
"""A scripted HTTP front for the test registry.

It forwards every request to a real registry (the upstream) and, depending
on --mode, misbehaves the way real registries and networks do, so that
rpod's client can be tested against each case:

  bearer   require `Authorization: Bearer`; answer 401 with a token
           challenge; /token hands out tokens (Basic credentials optional)
  flaky    the first request for each path fails: 429 for /v2/, 503 for
           manifests, a connection dropped mid-body for blobs
  barrier  hold blob downloads until 4 are in flight (or 10 s pass)
  schema1  answer every manifest request with a schema1 manifest
  corrupt  flip one byte of every blob body
  plain    just forward

Every event is appended to --log as one line, for the test to read.
The chosen port is written to --port-file once the server listens.
"""

import argparse
import http.client
import http.server
import json
import threading

lock = threading.Lock()
seen_paths = set()
in_flight = 0
peak = 0
barrier_open = threading.Event()


def log(args, line):
    with lock, open(args.log, "a") as f:
        f.write(line + "\n")


class Front(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def do_HEAD(self):
        self.handle_request()

    def do_GET(self):
        self.handle_request()

    def handle_request(self):
        args = self.server.args
        modes = args.mode.split(",")
        path = self.path
        log(args, "%s %s" % (self.command, path))
        if path.startswith("/token"):
            return self.issue_token(args)
        if "bearer" in modes and not self.headers.get("Authorization", "").startswith("Bearer tok-"):
            log(args, "challenge " + path)
            realm = "http://127.0.0.1:%d/token" % self.server.server_port
            repo = path.split("/")[2:4] if "/manifests/" in path or "/blobs/" in path else None
            challenge = 'Bearer realm="%s",service="front"' % realm
            if repo:
                challenge += ',scope="repository:%s:pull"' % "/".join(repo)
            return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"token needed"}]}',
                              {"WWW-Authenticate": challenge, "Content-Type": "application/json"})
        if "flaky" in modes:
            with lock:
                first = path not in seen_paths
                seen_paths.add(path)
            if first:
                if "/blobs/" in path:
                    log(args, "drop " + path)
                    return self.forward(args, drop_midway=True)
                if "/manifests/" in path:
                    log(args, "503 " + path)
                    return self.reply(503, b"busy", {})
                log(args, "429 " + path)
                return self.reply(429, b"slow down", {"Retry-After": "0"})
        if "schema1" in modes and "/manifests/" in path:
            body = json.dumps({"schemaVersion": 1, "name": "x", "tag": "latest", "fsLayers": []}).encode()
            return self.reply(200, body, {"Content-Type": "application/vnd.docker.distribution.manifest.v1+prettyjws"})
        if "barrier" in modes and "/blobs/" in path and self.command == "GET":
            self.wait_for_company(args)
        try:
            self.forward(args, corrupt="corrupt" in modes and "/blobs/" in path)
        finally:
            if "barrier" in modes and "/blobs/" in path and self.command == "GET":
                global in_flight
                with lock:
                    in_flight -= 1

    def wait_for_company(self, args):
        global in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
            if in_flight >= 4:
                barrier_open.set()
            current_peak = peak
        log(args, "peak %d" % current_peak)
        barrier_open.wait(10)

    def issue_token(self, args):
        log(args, "token " + self.path + " auth=" + ("yes" if self.headers.get("Authorization") else "no"))
        with lock:
            self.server.tokens += 1
            token = "tok-%d" % self.server.tokens
        self.reply(200, json.dumps({"token": token}).encode(), {"Content-Type": "application/json"})

    def reply(self, status, body, headers):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def forward(self, args, drop_midway=False, corrupt=False):
        upstream = http.client.HTTPConnection(args.upstream, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "authorization")}
        upstream.request(self.command, self.path, headers=headers)
        response = upstream.getresponse()
        length = int(response.getheader("Content-Length", "0"))
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in ("transfer-encoding", "connection"):
                self.send_header(key, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        sent = 0
        flipped = False
        while True:
            chunk = response.read(65536)
            if not chunk:
                break
            if corrupt and not flipped:
                chunk = bytes([chunk[0] ^ 0xFF]) + chunk[1:]
                flipped = True
            if drop_midway and sent + len(chunk) > length // 2:
                self.wfile.write(chunk[: max(0, length // 2 - sent)])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.wfile.write(chunk)
            sent += len(chunk)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--mode", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Front)
    server.args = args
    server.tokens = 0
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_port))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
