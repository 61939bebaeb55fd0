"""Email test fixtures: a real SMTP server (aiosmtpd on 127.0.0.1: plain, STARTTLS or SSL, optional AUTH)
collecting what it receives, and a warehouse holding the seed with its third report rejected."""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import shutil
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy.engine import Engine

from zvit.notify import SmtpTransport
from zvit.registry import Registry
from zvit.warehouse import make_engine, sync_registry, upgrade

HOST = "127.0.0.1"
#: When the seed's files count as received: 7 October 2022, 12:30 in Kyiv, three days before the deadline.
SEED_RECEIVED = dt.datetime(2022, 10, 7, 9, 30, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Received:
    """One message as the server got it: the envelope and the bytes of the message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        """The message parsed the way a mail client would."""
        parsed = email.message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def text(self) -> str:
        """The plain-text part, decoded, with the line breaks a mail client shows."""
        return body(self.message, "plain")

    @property
    def html(self) -> str:
        """The HTML part, decoded."""
        return body(self.message, "html")


def ordinary_spaces(text: str) -> str:
    """Dates are typeset «10 жовтня 2022 р.» with a narrow no-break space; tests compare with plain ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def body(message: EmailMessage, subtype: str) -> str:
    """One part of a message, decoded; base64 text carries canonical CRLF line breaks, read as newlines."""
    part = message.get_body((subtype,))
    assert part is not None, f"no text/{subtype} part"
    return str(part.get_content()).replace("\r\n", "\n")


class _Collector:
    """aiosmtpd handler: keeps every message; refuses recipients listed in `refuse` with a permanent 550."""

    def __init__(self, inbox: list[Received], refuse: set[str]) -> None:
        self.inbox = inbox
        self.refuse = refuse

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.inbox.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """A running aiosmtpd server and what it has received."""

    port: int
    security: str
    messages: list[Received]
    controller: Controller
    #: logins it was offered, as (user, password) text
    logins: list[tuple[str, str]] = field(default_factory=list)
    #: a client context that trusts the server's certificate (TLS servers only)
    client_context: ssl.SSLContext | None = None
    host: str = HOST

    def transport(self, **options: Any) -> SmtpTransport:
        """zvit's SMTP transport to this server, with quick retries; `options` override."""
        settings: dict[str, Any] = {
            "host": self.host, "port": self.port, "security": self.security, "sender": "zvit@example.org",
            "attempts": 2, "backoff": 0.01, "timeout": 5, "ssl_context": self.client_context}
        return SmtpTransport(**{**settings, **options})

    def stop(self) -> None:
        """Stop listening (the port is free again)."""
        self.controller.stop()


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 and the contexts either side needs."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        """What the server presents."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client that trusts only this certificate and checks the host name (127.0.0.1)."""
        return ssl.create_default_context(cafile=str(self.cert))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A throwaway self-signed certificate for 127.0.0.1 (EC key: generated in milliseconds)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST)),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert, key_path = folder / "cert.pem", folder / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return Certificate(cert, key_path)


StartSmtp = Callable[..., SmtpServer]


@pytest.fixture
def start_smtp(tls_certificate: Certificate) -> Iterator[StartSmtp]:
    """Start SMTP servers: start_smtp(security='plain'|'starttls'|'ssl', port=None, credentials=None, refuse=())."""
    running: list[SmtpServer] = []

    def start(security: str = "plain", port: int | None = None, credentials: tuple[str, str] | None = None,
              refuse: tuple[str, ...] = ()) -> SmtpServer:
        messages: list[Received] = []
        logins: list[tuple[str, str]] = []
        options: dict[str, Any] = {}
        if security == "starttls":
            options.update(tls_context=tls_certificate.server_context(), require_starttls=True)
        elif security == "ssl":
            options.update(ssl_context=tls_certificate.server_context())
        if credentials is not None:
            def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
                if not isinstance(data, LoginPassword):
                    return AuthResult(success=False, handled=False)
                offered = (data.login.decode(), data.password.decode())
                logins.append(offered)
                return AuthResult(success=offered == credentials, handled=False)

            options.update(authenticator=authenticate, auth_required=True,
                           auth_require_tls=security == "starttls")  # implicit TLS: aiosmtpd cannot tell
        controller = Controller(_Collector(messages, set(refuse)), hostname=HOST, port=port or free_port(),
                                ready_timeout=5, **options)
        controller.start()
        server = SmtpServer(port=controller.port, security=security, messages=messages, controller=controller,
                            logins=logins,
                            client_context=tls_certificate.client_context() if security != "plain" else None)
        running.append(server)
        return server

    yield start
    for server in running:
        try:
            server.stop()
        except (AssertionError, RuntimeError):
            pass  # stopped by the test already


@pytest.fixture
def smtp_server(start_smtp: StartSmtp) -> SmtpServer:
    """A plain SMTP server on 127.0.0.1, as a local relay would be."""
    return start_smtp()


@pytest.fixture(scope="session")
def rejected_seed_db(tmp_path_factory: pytest.TempPathFactory, registry: Registry, seed_path: Path) -> Path:
    """An SQLite warehouse holding the seed as the real gate judged it: two accepted, the third rejected.

    Built once per session (the gate run is the slow part); tests get copies.
    """
    from tests.loading import take_files

    path = tmp_path_factory.mktemp("seeded") / "warehouse.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        sync_registry(engine, registry, timezone="Europe/Kyiv")
        batch = take_files(engine, [seed_path], received_at=SEED_RECEIVED, registry=registry, period="2022-Q3")
        assert [item.result.status for item in batch.reports if item.result] == [
            "accepted_with_warnings", "accepted_with_warnings", "rejected"]
    finally:
        engine.dispose()
    return path


@pytest.fixture
def seeded(rejected_seed_db: Path, tmp_path: Path) -> Iterator[Engine]:
    """A fresh copy of the seeded warehouse (SQLite)."""
    copy = tmp_path / "warehouse.db"
    shutil.copyfile(rejected_seed_db, copy)
    engine = make_engine(f"sqlite:///{copy}")
    yield engine
    engine.dispose()
