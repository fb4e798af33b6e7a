"""A real WebDAV server on loopback for the sync tests: WsgiDAV serving a temporary
folder, behind Basic authentication, run by cheroot in a background thread.

Use the ``webdav`` fixture (``pytest_plugins = ("tests.webdav_server",)`` in a test
module), or :class:`WebDavServer` as a context manager. A test may ``stop()`` the server
mid-test and ``start()`` it again on the same port."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp

USER = "mediatrice"
PASSWORD = "Pa55-word-éà"  # non-ASCII on purpose: Basic auth must encode it


class _QuietServer(wsgi.Server):
    """cheroot writes connection errors to stderr; a test that cuts connections on
    purpose keeps them in the log instead."""

    def error_log(self, msg: str = "", level: int = 20, traceback: bool = False) -> None:
        logging.getLogger("cheroot").debug("%s", msg, exc_info=traceback)


def _free_port(host: str) -> int:
    """A port the system has free now: bind port 0 and read the real one. (cheroot binds
    it again itself, with SO_REUSEPORT, which it refuses for port 0.)"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class WebDavServer:
    """WsgiDAV on 127.0.0.1, serving ``root`` at ``url`` to one user (``user``,
    ``password``) with Basic authentication. Not started until :meth:`start` (or
    ``with``)."""

    def __init__(
        self,
        root: Path,
        *,
        user: str = USER,
        password: str = PASSWORD,
        shutdown_timeout_s: float = 0.5,
    ):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.user = user
        self.password = password
        self.host = "127.0.0.1"
        self.port = 0  # the real one once started, kept across restarts
        self._shutdown_timeout_s = shutdown_timeout_s
        self._server: wsgi.Server | None = None
        self._thread: threading.Thread | None = None
        logging.getLogger("wsgidav").setLevel(logging.WARNING)
        self._app = WsgiDAVApp(
            {
                "provider_mapping": {"/": {"root": str(self.root), "readonly": False}},
                "simple_dc": {"user_mapping": {"*": {user: {"password": password}}}},
                "http_authenticator": {
                    "domain_controller": None,  # the simple_dc above
                    "accept_basic": True,
                    "accept_digest": False,
                    "default_to_digest": False,
                },
                "dir_browser": {"enable": False},
                "verbose": 0,
                "logging": {"enable": False},
            }
        )

    @property
    def url(self) -> str:
        """The share's root collection, ending in "/"."""
        if not self.port:
            raise RuntimeError("the server has not been started")
        return f"http://{self.host}:{self.port}/"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        """Listen (on a free port the first time, on the same one after a stop) and serve
        in a background thread; returns once connections are accepted."""
        if self._server is not None:
            return
        if not self.port:
            self.port = _free_port(self.host)
        server = _QuietServer(
            (self.host, self.port),
            self._app,
            numthreads=4,
            timeout=5,
            shutdown_timeout=self._shutdown_timeout_s,
            # Restart on the same port although a client still holds a connection the
            # stopped server closed: its FIN-WAIT-2 socket defeats SO_REUSEADDR alone.
            reuse_port=True,
        )
        server.expiration_interval = 0.05  # how long stop() waits for the selector loop
        server.prepare()  # binds and listens
        self._server = server
        self._thread = threading.Thread(target=server.serve, name="webdav-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Close the listening socket and every connection, even one in the middle of a
        request (after ``shutdown_timeout_s``); returns once the server is down."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.stop()
        if thread is not None:
            thread.join(timeout=10)

    def __enter__(self) -> WebDavServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@pytest.fixture
def webdav(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDavServer]:
    """A running WebDAV server on a fresh folder; stopped after the test."""
    with WebDavServer(tmp_path_factory.mktemp("webdav-share")) as server:
        yield server
