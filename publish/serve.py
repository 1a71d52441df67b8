"""Serve a built database with Datasette: read-only, with metadata, canned queries and templates."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from corpus.manifest import CORPUS_DIR

import yaml

PUBLISH_DIR = Path(__file__).resolve().parent
METADATA = PUBLISH_DIR / "metadata.yml"
TEMPLATES = PUBLISH_DIR / "templates"
STATIC = PUBLISH_DIR / "static"
PLUGINS = PUBLISH_DIR / "plugins"
#: Where the site finds the archived report files it serves at /reports/<sha256>.<ext>, and
#: where it keeps the pictures of PDF pages it draws (environment variables of the server, so
#: that no path of this machine is published in the site's metadata).
CORPUS_ENV = "COMPLAINTS_CORPUS"
PAGE_CACHE_ENV = "COMPLAINTS_PAGE_CACHE"
DEFAULT_PAGE_CACHE = PUBLISH_DIR.parent / ".cache" / "pages"

#: Settings for a public, read-only site: queries cannot run away, CSV can stream a whole table.
SETTINGS = {
    "sql_time_limit_ms": "3000",
    "facet_time_limit_ms": "500",
    "max_returned_rows": "2000",
    "allow_csv_stream": "on",
    "default_page_size": "50",
    # Suggesting facets scans every column of the filtered rows: seconds per page on a
    # national database. The useful facets are configured in metadata.yml instead.
    "suggest_facets": "off",
}


class PortInUseError(OSError):
    """The port asked for is taken by another program."""


def metadata_for(db_path: Path) -> dict:
    """The site's metadata, with the database section named after the database file, and the
    facets of columns this database does not have (yet) left out."""
    with open(METADATA, encoding="utf-8") as handle:
        metadata = yaml.safe_load(handle)
    databases = metadata.get("databases", {})
    if "complaints" in databases and db_path.stem != "complaints":
        databases[db_path.stem] = databases.pop("complaints")
        metadata["source_url"] = metadata.get("source_url", "").replace("/complaints/", f"/{db_path.stem}/")
    if Path(db_path).exists():
        _drop_missing_facets(Path(db_path), databases.get(db_path.stem, {}).get("tables", {}))
    return metadata


def _drop_missing_facets(db_path: Path, tables: dict) -> None:
    """A facet on a column the database lacks is an error page: `facts.status` comes with the
    checking of facts, and the site must work before it too."""
    import sqlite3

    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        for table, config in tables.items():
            columns = {row[1] for row in conn.execute(f"pragma table_info([{table}])")}
            if columns and "facets" in config:
                config["facets"] = [f for f in config["facets"] if not isinstance(f, str) or f in columns]


def write_metadata(db_path: Path, directory: Path) -> Path:
    target = Path(directory) / "metadata.json"
    target.write_text(json.dumps(metadata_for(db_path), indent=2), encoding="utf-8")
    return target


def datasette_args(db_path: Path, host: str = "127.0.0.1", port: int = 8001, metadata: Path | None = None) -> list[str]:
    args = [
        sys.executable, "-m", "datasette", "serve",
        "-i", str(db_path),  # immutable: opened read-only, hashed once, counts cached
        "--host", host, "--port", str(port),
        "--metadata", str(metadata or METADATA),
    ]
    if TEMPLATES.is_dir():
        args += ["--template-dir", str(TEMPLATES)]
    if STATIC.is_dir():
        args += ["--static", f"assets:{STATIC}"]
    if PLUGINS.is_dir():
        args += ["--plugins-dir", str(PLUGINS)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, value]
    return args


def datasette_env(corpus_dir: Path | None = None, page_cache: Path | None = None) -> dict[str, str]:
    """The server's environment: where the report files are, where page pictures are kept."""
    return {**os.environ, CORPUS_ENV: str(Path(corpus_dir or CORPUS_DIR).resolve()),
            PAGE_CACHE_ENV: str(Path(page_cache or DEFAULT_PAGE_CACHE).resolve())}


def check_port(host: str, port: int) -> None:
    """Fail in one line, before Datasette starts, when the port is taken."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            raise PortInUseError(
                f"port {port} is in use (another server?); choose another one: "
                f"make serve PORT={port + 1}, or complaints serve --port {port + 1}") from None


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001, corpus_dir: Path | None = None) -> None:
    check_port(host, port)
    print(f"Serving {db_path} at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    with tempfile.TemporaryDirectory(prefix="complaints-site-") as directory:
        metadata = write_metadata(Path(db_path), Path(directory))
        server = subprocess.Popen(datasette_args(Path(db_path), host, port, metadata), env=datasette_env(corpus_dir))
        # stopping this command (Ctrl+C, kill) stops the server too
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        try:
            server.wait()
        except KeyboardInterrupt:
            server.terminate()
            server.wait()


def datasette_app(db_path: Path):
    """The site as a Datasette object in this process (for tests): the same metadata, templates,
    assets, plugins and settings as `complaints serve`; the database immutable."""
    from datasette.app import Datasette

    return Datasette(immutables=[str(db_path)], metadata=metadata_for(Path(db_path)), template_dir=str(TEMPLATES),
                     plugins_dir=str(PLUGINS), static_mounts=[("assets", str(STATIC))],
                     settings={k: int(v) if v.isdigit() else v == "on" for k, v in SETTINGS.items()})
