"""`kaartgen serve`: the web app for professionals and the mail room.

The port is bound before anything else happens: a second server started on a port in use stops
there, with one line, and never touches the first one's job folder.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import socket
import tempfile
from pathlib import Path
from typing import cast

import click
from click.core import ParameterSource

from kaartgen.commands.common import content_option, library, reports_errors, templates_option
from kaartgen.errors import KaartgenError

TOKEN_VARIABLE = "KAARTGEN_TOKEN"
BACKLOG = 2048
WILDCARDS = ("0.0.0.0", "::")  # every address: the Host names must be given
LOOPBACK = ("127.0.0.1", "::1")  # the proxy trusted by default: one on this machine


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


SETTING = {  # a `serve:` key of kaartgen.yaml -> the parameter it sets when the command line does not
    "host": "host", "port": "port", "keep_hours": "keep_hours", "jobs_dir": "jobs_dir", "allowed_hosts": "allowed",
    "audit_log": "audit_log", "trusted_user_header": "trusted_user_header", "trusted_proxies": "trusted_proxy",
    "log_requests": "log_requests", "accessibility": "accessibility", "token_file": "token_file",
}


def _settings(values: dict[str, object]) -> dict[str, object]:
    """The command's parameters, each taken from kaartgen.yaml's `serve:` section when the command
    line left it at its default."""
    from kaartgen.engine import serve_settings

    ctx = click.get_current_context()
    settings = serve_settings(ctx.find_root().params.get("config"))
    for key, value in settings.items():
        name = SETTING[key]
        if ctx.get_parameter_source(name) in (ParameterSource.DEFAULT, None):
            values[name] = value
    return values


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port, printed at the start).")
@click.option("--token", default=None, help=f"Access code every request must carry; required on an address other "
                                            f"than loopback.  [default: ${TOKEN_VARIABLE}]")
@click.option("--token-file", type=click.Path(path_type=Path), default=None,
              help="A file whose first line is the access code (for a service manager's secrets).")
@click.option("--keep-hours", type=click.FloatRange(0.01, 24 * 30), default=24, show_default=True,
              help="Hours a mailing's files are kept after it was uploaded, unless the clerk deletes it sooner.")
@click.option("--jobs-dir", type=click.Path(path_type=Path), default=None,
              help="Private folder for mailing jobs.  [default: in the system's temporary folder]")
@click.option("--allowed-host", "allowed", multiple=True, metavar="NAME",
              help="A host name browsers use to reach the server (a reverse proxy's), besides 127.0.0.1, "
                   "localhost and --host; repeat for more.")
@click.option("--audit-log", type=click.Path(path_type=Path), default=None,
              help="File the audit log is appended to: one JSON line for every pack, mailing, reading and "
                   "evaluation, without personal data.")
@click.option("--trusted-user-header", default=None, metavar="HEADER",
              help="Header in which the organisation's proxy passes the signed-in user's name "
                   "(e.g. X-Remote-User); read only on requests from a --trusted-proxy.")
@click.option("--trusted-proxy", multiple=True, metavar="ADDRESS",
              help="Address or network of the proxy allowed to pass the user's name and a request id; "
                   "repeat for more.  [default: 127.0.0.1 and ::1]")
@click.option("--log-requests", is_flag=True, default=False,
              help="Write one JSON line for every request to standard error: request id, route, status, "
                   "time taken, user; never a client value.")
@click.option("--accessibility", type=click.Path(path_type=Path), default=None,
              help="The organisation's accessibility statement (YAML, as templates/web/accessibility.yaml), "
                   "shown at /toegankelijkheid.")
@content_option
@templates_option
@reports_errors()
def serve(**values: object) -> None:
    """Start the web app and print the address to open in a browser.

    \b
    It answers only requests for 127.0.0.1, localhost, --host and each --allowed-host (so a web
    page elsewhere cannot drive it), and refuses forms posted from another site. Every option
    can also be set in kaartgen.yaml's `serve:` section (`audit_log: audit.jsonl`); the command
    line wins. /healthz and /readyz answer a load balancer.

    \b
    Exit codes: 130 or 143 stopped by Ctrl-C or SIGTERM (running mailings stopped, job folders
    removed); 2 the port is in use, the address, the token or a setting is refused, or the job
    folder belongs to another running server.

    \b
    Example:
      kaartgen serve
      KAARTGEN_TOKEN=… kaartgen serve --host 10.0.0.5 --allowed-host kaartgen.example.nl
      kaartgen serve --allowed-host kaartgen.example.nl --trusted-user-header X-Remote-User \\
          --audit-log /var/log/kaartgen/audit.jsonl --log-requests
    """
    v = _settings(values)
    host, port, keep_hours = cast(str, v["host"]), cast(int, v["port"]), float(cast(float, v["keep_hours"]))
    paths = {k: cast("Path | None", v[k]) for k in ("token_file", "jobs_dir", "audit_log", "accessibility",
                                                    "content", "templates")}
    token = cast("str | None", v["token"]) or _token_file(paths["token_file"]) or os.environ.get(TOKEN_VARIABLE)
    allowed = tuple(cast("tuple[str, ...]", v["allowed"]))
    proxies = tuple(cast("tuple[str, ...]", v["trusted_proxy"])) or LOOPBACK
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise KaartgenError("cli.proxy_address", field="trusted_proxy") from None
    if not _loopback(host) and not token:
        raise KaartgenError("cli.host_needs_token", field="host", variable=TOKEN_VARIABLE)
    if host in WILDCARDS and not allowed:
        raise KaartgenError("cli.host_needs_names", field="host")
    sock = bind(host, port)
    try:
        import uvicorn

        from kaartgen.engine import AuditLog
        from kaartgen.web.app import LOG, ServiceSettings, create_app

        engine = library(paths["content"], paths["templates"])
        audit = AuditLog(paths["audit_log"], engine.content_version) if paths["audit_log"] else None
        port = sock.getsockname()[1]
        root = paths["jobs_dir"] or Path(tempfile.gettempdir()) / f"kaartgen-serve-{os.getuid()}" / str(port)
        service = ServiceSettings(trusted_user_header=cast("str | None", v["trusted_user_header"]),
                                  trusted_proxies=proxies, log=bool(v["log_requests"]))
        if service.log:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            LOG.addHandler(handler)
            LOG.setLevel(logging.INFO)
            LOG.propagate = False
        app = create_app(engine, token=token or None, jobs_root=root, keep_hours=keep_hours, host=host,
                         hosts=allowed, audit=audit, service=service, accessibility=paths["accessibility"])
        shown = f"[{host}]" if ":" in host else host
        click.echo(f"kaartgen serve: open http://{shown}:{port}/ in a browser (Ctrl-C stops it)")
        config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, backlog=BACKLOG)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()


def _token_file(path: Path | None) -> str | None:
    """The first line of the token file, when one is given."""
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KaartgenError("cli.token_file", field="token_file", file=str(path),
                            reason=exc.strerror or type(exc).__name__) from None
    return lines[0].strip() if lines and lines[0].strip() else None
