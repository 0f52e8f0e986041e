"""A throwaway PostgreSQL server for the tests: ``initdb`` + ``pg_ctl`` in a temporary folder.

The server listens on a Unix socket in that folder only (``listen_addresses = ''``: nothing on the
network), trusts local connections, and runs as the ``postgres`` system user when the tests run as root
(PostgreSQL refuses to run as root). :func:`find_bin` finds the binaries on ``PATH`` or in Debian's
``/usr/lib/postgresql/<version>/bin``; when they are missing, the tests that need the server skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


def find_bin() -> Path | None:
    """The folder holding ``pg_ctl`` and ``initdb``, or None when PostgreSQL is not installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True):
        if os.access(cand, os.X_OK):
            return Path(cand).parent
    return None


@dataclass
class PgServer:
    """A running throwaway server: its socket folder and binaries; :meth:`url` names one of its databases."""

    root: Path
    bin: Path
    _as_user: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        """An SQLAlchemy URL (psycopg 3 driver) for ``database`` over the server's Unix socket."""
        auth = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{auth}@/{database}?host={self.socket_dir}"

    def connect(self, database: str = "postgres", user: str = SUPERUSER, **kw):
        """A psycopg connection (autocommit) to ``database`` as ``user``."""
        import psycopg

        return psycopg.connect(dbname=database, user=user, host=str(self.socket_dir), autocommit=True, **kw)

    def create_database(self, prefix: str = "t", *, template: str | None = None) -> str:
        """Create a fresh database (empty, or a copy of the database ``template``, which must have no open
        connection); return its name."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self.connect() as con:
            con.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing its sessions first (PostgreSQL 13+)."""
        with self.connect() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self._as_user:
            cmd = ["runuser", "-u", self._as_user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=False)

    def start(self) -> None:
        """initdb and start the server, waiting until it accepts connections (``pg_ctl -w``)."""
        self.socket_dir.mkdir()
        if self._as_user:
            pw = pwd.getpwnam(self._as_user)
            for p in (self.root, self.socket_dir):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        r = self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                      "--no-locale", "--no-sync")
        if r.returncode:
            raise RuntimeError(f"initdb failed: {r.stderr or r.stdout}")
        opts = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        r = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", opts, "-w",
                      "-t", "60", "start")
        if r.returncode:
            log = (self.root / "server.log")
            raise RuntimeError(f"pg_ctl start failed: {r.stderr or r.stdout}\n"
                               f"{log.read_text() if log.exists() else ''}")

    def stop(self) -> None:
        """Stop the server (fast shutdown, waiting for it) and remove its folder."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer | str:
    """Start a throwaway server; return it, or the reason it cannot run (PostgreSQL or psycopg missing)."""
    bin_dir = find_bin()
    if bin_dir is None:
        return "PostgreSQL is not installed (no pg_ctl on PATH or in /usr/lib/postgresql/*/bin)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    as_user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres system user to run the server as"
        as_user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="roadmap-pg-"))
    server = PgServer(root, bin_dir, as_user)
    try:
        server.start()
    except Exception:
        server.stop()
        raise
    return server
