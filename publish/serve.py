"""Serve a built database with Datasette: read-only, with metadata, canned queries and templates."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

PUBLISH_DIR = Path(__file__).resolve().parent
METADATA = PUBLISH_DIR / "metadata.yml"
TEMPLATES = PUBLISH_DIR / "templates"
STATIC = PUBLISH_DIR / "static"
PLUGINS = PUBLISH_DIR / "plugins"

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


def metadata_for(db_path: Path) -> dict:
    """The site's metadata, with the database section named after the database file."""
    with open(METADATA, encoding="utf-8") as handle:
        metadata = yaml.safe_load(handle)
    databases = metadata.get("databases", {})
    if "complaints" in databases and db_path.stem != "complaints":
        databases[db_path.stem] = databases.pop("complaints")
    return metadata


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


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    print(f"Serving {db_path} at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    with tempfile.TemporaryDirectory(prefix="complaints-site-") as directory:
        metadata = write_metadata(Path(db_path), Path(directory))
        try:
            subprocess.run(datasette_args(Path(db_path), host, port, metadata), check=True)
        except KeyboardInterrupt:
            pass
