"""`kaartgen serve`: the web app for professionals and the mail room.

The port is bound before anything else happens: a second server started on a port in use stops
there, with one line, and never touches the first one's job folder.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import tempfile
from pathlib import Path

import click

from kaartgen.commands.common import content_option, library, reports_errors, templates_option
from kaartgen.errors import KaartgenError

TOKEN_VARIABLE = "KAARTGEN_TOKEN"
BACKLOG = 2048
WILDCARDS = ("0.0.0.0", "::")  # every address: the Host names must be given


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a KaartgenError that says what to do."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                              flags=socket.AI_PASSIVE)[0]
    except socket.gaierror:
        raise KaartgenError("cli.host_unknown", field="host") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart need not wait for old connections
        sock.bind(address)
        sock.listen(BACKLOG)  # listening at once: a second server's bind now fails
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise KaartgenError("cli.port_in_use", port=port) from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise KaartgenError("cli.port_denied", port=port) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise KaartgenError("cli.host_unknown", field="host") from None
        raise
    return sock


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port, printed at the start).")
@click.option("--token", default=None, help=f"Access code every request must carry; required on an address other "
                                            f"than loopback.  [default: ${TOKEN_VARIABLE}]")
@click.option("--keep-hours", type=click.FloatRange(0.01, 24 * 30), default=24, show_default=True,
              help="Hours a mailing's files are kept after it was uploaded, unless the clerk deletes it sooner.")
@click.option("--jobs-dir", type=click.Path(path_type=Path), default=None,
              help="Private folder for mailing jobs.  [default: in the system's temporary folder]")
@click.option("--allowed-host", "allowed", multiple=True, metavar="NAME",
              help="A host name browsers use to reach the server (a reverse proxy's), besides 127.0.0.1, "
                   "localhost and --host; repeat for more.")
@content_option
@templates_option
@reports_errors()
def serve(host: str, port: int, token: str | None, keep_hours: float, jobs_dir: Path | None, allowed: tuple[str, ...],
          content: Path | None, templates: Path | None) -> None:
    """Start the web app and print the address to open in a browser.

    \b
    It answers only requests for 127.0.0.1, localhost, --host and each --allowed-host (so a web
    page elsewhere cannot drive it), and refuses forms posted from another site.

    
    Exit codes: 130 or 143 stopped by Ctrl-C or SIGTERM (running mailings stopped, job folders
    removed); 2 the port is in use, the address or the token is refused, or the job folder belongs
    to another running server.

    \b
    Example:
      kaartgen serve
      KAARTGEN_TOKEN=… kaartgen serve --host 10.0.0.5 --allowed-host kaartgen.example.nl
    """
    token = token or os.environ.get(TOKEN_VARIABLE) or None
    if not _loopback(host) and not token:
        raise KaartgenError("cli.host_needs_token", field="host", variable=TOKEN_VARIABLE)
    if host in WILDCARDS and not allowed:
        raise KaartgenError("cli.host_needs_names", field="host")
    sock = bind(host, port)
    try:
        import uvicorn

        from kaartgen.web.app import create_app

        port = sock.getsockname()[1]
        root = jobs_dir or Path(tempfile.gettempdir()) / f"kaartgen-serve-{os.getuid()}" / str(port)
        app = create_app(library(content, templates), token=token, jobs_root=root, keep_hours=keep_hours,
                         host=host, hosts=allowed)
        shown = f"[{host}]" if ":" in host else host
        click.echo(f"kaartgen serve: open http://{shown}:{port}/ in a browser (Ctrl-C stops it)")
        config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, backlog=BACKLOG)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
