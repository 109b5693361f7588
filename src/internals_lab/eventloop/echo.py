"""A TCP echo server and client on 127.0.0.1, written against the loop's socket methods.

Design: only `loop.sock_accept`, `sock_recv`, `sock_sendall` and `sock_connect`, which both
our EventLoop and asyncio's loops provide, so the same code runs on either (pass a Backend).
Every socket is closed in a `finally`, and the listening socket binds port 0 so the kernel
picks a free port.
"""
from __future__ import annotations

import socket

__all__ = ["listening_socket", "serve_echo", "echo_client", "echo_roundtrip"]


def listening_socket(backlog: int = 128) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(backlog)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


async def _echo_connection(loop, conn: socket.socket) -> int:
    echoed = 0
    try:
        while True:
            data = await loop.sock_recv(conn, 65536)
            if not data:  # the client closed its side
                return echoed
            await loop.sock_sendall(conn, data)
            echoed += len(data)
    finally:
        conn.close()


async def serve_echo(backend, listener: socket.socket, connections: int) -> int:
    """Accept `connections` clients, echo each until it closes; return the bytes echoed."""
    loop = backend.get_running_loop()
    handlers = []
    try:
        for _ in range(connections):
            conn, _address = await loop.sock_accept(listener)
            handlers.append(backend.create_task(_echo_connection(loop, conn)))
        return sum(await backend.gather(*handlers))
    finally:
        for handler in handlers:
            handler.cancel()


async def echo_client(backend, address, messages: list[bytes]) -> list[bytes]:
    """Send each message and read back exactly as many bytes; return what came back."""
    loop = backend.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        await loop.sock_connect(sock, address)
        replies = []
        for message in messages:
            await loop.sock_sendall(sock, message)
            reply = b""
            while len(reply) < len(message):
                chunk = await loop.sock_recv(sock, len(message) - len(reply))
                if not chunk:
                    raise ConnectionError("the server closed the connection mid-reply")
                reply += chunk
            replies.append(reply)
        return replies
    finally:
        sock.close()


async def echo_roundtrip(backend, messages: list[bytes], clients: int = 1) -> list[list[bytes]]:
    """Start a server on a free loopback port, run `clients` clients, close everything."""
    listener = listening_socket()
    try:
        address = listener.getsockname()
        server = backend.create_task(serve_echo(backend, listener, clients))
        try:
            replies = await backend.gather(*(echo_client(backend, address, messages)
                                             for _ in range(clients)))
            await server
        finally:
            server.cancel()
        return replies
    finally:
        listener.close()
