"""A TCP proxy run as its own process: ``python tcp_proxy.py LISTEN_PORT TARGET_HOST:PORT``.

Tests kill it (every connection drops, new ones are refused), pause it with SIGSTOP (the
connections stay open but nothing passes: a silent network failure) and start it again.
"""

from __future__ import annotations

import selectors
import socket
import sys
import threading


def pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main() -> None:
    port = int(sys.argv[1])
    host, target_port = sys.argv[2].rsplit(":", 1)
    server = socket.create_server(("127.0.0.1", port), reuse_port=False)
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    print("ready", flush=True)
    while True:
        selector.select()
        client, _ = server.accept()
        try:
            upstream = socket.create_connection((host, int(target_port)), timeout=5)
        except OSError:
            client.close()
            continue
        upstream.settimeout(None)
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=pipe, args=(a, b), daemon=True).start()


if __name__ == "__main__":
    main()
