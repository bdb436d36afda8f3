#!/usr/bin/env python3
"""A redirecting HTTP server for the --follow tests, on 127.0.0.1 only.

Prints its port on the first line of standard output, then serves until killed (or until
the process that started it is gone):
  /click/chainN   301, then 302, 303, 307 ... down to /final (N redirects)
  /click/loopA    302 to /click/loopB, which sends back to /click/loopA
  /click/slow     answers after 10 s
  /click/huge     a 302 with 200 kB of headers
  /click/away     302 to https://dest.example.org/landing (not requested: the test
                  refuses that address, or it does not resolve)
  /click/mailto   302 to mailto:sales@example.org
  /final          200
Every request is logged to standard error as "METHOD PATH".
"""
import http.server
import os
import socketserver
import sys
import threading
import time

CODES = [301, 302, 303, 307, 308]


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, code, headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        sys.stderr.write("%s %s\n" % (self.command, self.path))
        sys.stderr.flush()
        path = self.path
        if path.startswith("/click/chain"):
            n = int(path[len("/click/chain"):] or "0")
            target = "/final" if n <= 1 else "/click/chain%d" % (n - 1)
            self.answer(CODES[n % len(CODES)], [("Location", target)])
        elif path == "/click/loopA":
            self.answer(302, [("Location", "/click/loopB")])
        elif path == "/click/loopB":
            self.answer(302, [("Location", "/click/loopA")])
        elif path == "/click/slow":
            time.sleep(10)
            self.answer(200)
        elif path == "/click/huge":
            self.answer(302, [("Location", "/final")] + [("X-Padding-%d" % i, "x" * 1000) for i in range(200)])
        elif path == "/click/away":
            self.answer(302, [("Location", "https://dest.example.org/landing")])
        elif path == "/click/mailto":
            self.answer(302, [("Location", "mailto:sales@example.org")])
        elif path == "/final":
            self.answer(200)
        else:
            self.answer(404)

    do_GET = do_HEAD

    def log_message(self, fmt, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def orphaned(parent):
    """Ends the server when the test that started it is gone, even if it could not stop it."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def main():
    threading.Thread(target=orphaned, args=(os.getppid(),), daemon=True).start()
    server = Server(("127.0.0.1", 0), Handler)
    sys.stdout.write("%d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
