"""Warehouse fixtures: fresh SQLite files and fresh databases on one PostgreSQL server started per session."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from tests.tools import postgres_bindir
from zvit.registry import Registry, load_registry
from zvit.settings import DEFAULT_REGISTRY_DIR
from zvit.warehouse import make_engine, sync_registry, upgrade

BACKENDS = ("sqlite", "postgresql")
#: every warehouse test runs once per engine; the PostgreSQL run carries the `postgres` marker
BACKEND_PARAMS = [pytest.param("sqlite", id="sqlite"),
                  pytest.param("postgresql", id="postgresql", marks=[pytest.mark.postgres])]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temp dir, trust auth, listening on 127.0.0.1 only."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        # PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        self.root = Path(tempfile.mkdtemp(prefix="zvit-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._names = itertools.count(1)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        as_user = {"user": self.user, "group": pwd.getpwnam(self.user).pw_gid} if os.geteuid() == 0 else {}
        return subprocess.run(list(args), capture_output=True, text=True, check=False, cwd=self.root,
                              env={**os.environ, "LC_ALL": "C.UTF-8"}, **as_user)  # type: ignore[call-overload]

    def start(self) -> None:
        """initdb and start, retrying on another port if the chosen one was taken meanwhile."""
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(self.user)
            except KeyError:
                raise RuntimeError("running as root but there is no 'postgres' user: apt-get install postgresql") \
                    from None
            os.chown(self.root, account.pw_uid, account.pw_gid)
        result = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                           "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
        for _ in range(3):
            self.port = _free_port()
            options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
            result = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                               "-o", options, "-w", "-t", "60", "start")
            if result.returncode == 0:
                return
        log = (self.root / "log").read_text(errors="replace") if (self.root / "log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed:\n{result.stdout}\n{result.stderr}\n{log}")

    def stop(self) -> None:
        """Stop the server and remove its files."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self) -> Engine:
        """An autocommit engine on the maintenance database, for CREATE/DROP DATABASE."""
        return create_engine(self.url(), isolation_level="AUTOCOMMIT")

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`); returns its name."""
        name = f"zvit_{os.getpid()}_{next(self._names)}"
        engine = self.admin()
        try:
            with engine.connect() as connection:
                source = f" TEMPLATE {template}" if template else ""
                connection.execute(text(f'CREATE DATABASE "{name}"{source}'))
        finally:
            engine.dispose()
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database even if a test left connections open."""
        engine = self.admin()
        try:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole session (skipped when PostgreSQL is not installed: see tests/tools.py)."""
    bindir = postgres_bindir()
    server = PostgresServer(bindir)
    started = time.monotonic()
    try:
        server.start()
    except Exception:
        server.stop()
        raise
    print(f"\nPostgreSQL {bindir} on 127.0.0.1:{server.port} started in {time.monotonic() - started:.1f}s")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The registry shipped in registry/ (whatever ZVIT_REGISTRY_DIR says)."""
    return load_registry(DEFAULT_REGISTRY_DIR)


@pytest.fixture(scope="session")
def _templates() -> dict[str, object]:
    """Per engine, built on first use: a database migrated to head with the registry loaded, to copy per test."""
    return {}


def _template_for(backend: str, request: pytest.FixtureRequest, templates: dict[str, object],
                  tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> object:
    if backend not in templates:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("template") / "warehouse.db"
            engine = make_engine(f"sqlite:///{path}")
            templates[backend] = path
        else:
            server: PostgresServer = request.getfixturevalue("postgres_server")
            name = server.create_database()
            engine = make_engine(server.url(name))
            templates[backend] = name
        upgrade(engine)
        sync_registry(engine, registry, timezone="Europe/Kyiv")
        engine.dispose()  # PostgreSQL copies a template only while nobody is connected to it
    return templates[backend]


def fresh_url(backend: str, request: pytest.FixtureRequest, folder: Path, *, template: object | None = None,
              name: str = "warehouse.db") -> Iterator[str]:
    """A new database on `backend` (SQLite: the file `name` in `folder`), a copy of `template` if given; for a
    fixture to `yield from`: PostgreSQL's is dropped after."""
    if backend == "sqlite":
        path = folder / name
        if template is not None:
            shutil.copyfile(str(template), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database(template=str(template) if template is not None else None)
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture(params=BACKEND_PARAMS)
def backend(request: pytest.FixtureRequest) -> str:
    """'sqlite' or 'postgresql': the test runs once on each."""
    return str(request.param)


@pytest.fixture
def empty_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a brand-new, empty database on the test's engine."""
    yield from fresh_url(backend, request, tmp_path, template=None)


@pytest.fixture
def warehouse_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path, registry: Registry,
                  tmp_path_factory: pytest.TempPathFactory, _templates: dict[str, object]) -> Iterator[str]:
    """URL of a fresh database at head with the shipped registry loaded."""
    template = _template_for(backend, request, _templates, tmp_path_factory, registry)
    yield from fresh_url(backend, request, tmp_path, template=template)


@pytest.fixture
def warehouse(warehouse_url: str) -> Iterator[Engine]:
    """An engine on a fresh warehouse (head, registry loaded)."""
    engine = make_engine(warehouse_url)
    yield engine
    engine.dispose()
