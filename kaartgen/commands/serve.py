"""`kaartgen serve`: the web app for professionals and the mail room."""

from __future__ import annotations

import ipaddress
import os
import tempfile
from pathlib import Path

import click

from kaartgen.commands.common import content_option, library, reports_errors, templates_option
from kaartgen.errors import KaartgenError

TOKEN_VARIABLE = "KAARTGEN_TOKEN"


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--token", default=None, help=f"Access code every request must carry; required on an address other "
                                            f"than loopback.  [default: ${TOKEN_VARIABLE}]")
@click.option("--keep-hours", type=click.FloatRange(0.01, 24 * 30), default=24, show_default=True,
              help="Hours a mailing's files are kept when they are not all downloaded.")
@click.option("--jobs-dir", type=click.Path(path_type=Path), default=None,
              help="Private folder for mailing jobs.  [default: in the system's temporary folder]")
@content_option
@templates_option
@reports_errors()
def serve(host: str, port: int, token: str | None, keep_hours: float, jobs_dir: Path | None, content, templates) -> None:
    """Start the web app and print the address to open in a browser.

    \b
    Example:
      kaartgen serve
      KAARTGEN_TOKEN=… kaartgen serve --host 0.0.0.0   # behind the organisation's reverse proxy
    """
    import uvicorn

    from kaartgen.web.app import create_app

    token = token or os.environ.get(TOKEN_VARIABLE) or None
    if not _loopback(host) and not token:
        raise KaartgenError(f"--host {host} is reachable from other machines; give an access code with --token "
                            f"or ${TOKEN_VARIABLE}")
    root = jobs_dir or Path(tempfile.gettempdir()) / f"kaartgen-serve-{os.getuid()}" / str(port)
    app = create_app(library(content, templates), token=token, jobs_root=root, keep_hours=keep_hours)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"kaartgen serve: open http://{shown}:{port}/ in a browser (Ctrl-C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)
