"""A real SMTP server for the outbox tests (aiosmtpd), on a port of the test's choosing.

A test takes `free_port()`, where nothing listens yet (connections are refused), then starts
`with SmtpServer(port) as smtp:` on it; `smtp.messages` holds what the server accepted, one
`Received` per message.
"""

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    peer: tuple
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


class SmtpServer:
    """aiosmtpd on 127.0.0.1:`port`, keeping every message it accepts.

    `refuse` maps an address to the reply its RCPT gets (e.g. "550 5.1.1 No such user").
    `hold_until_peers`: the first messages wait (at most `hold_seconds`) until that many different
    connections have sent one, so several workers are made to send at the same time."""

    def __init__(self, port: int, *, refuse: dict[str, str] | None = None, hold_until_peers: int = 0,
                 hold_seconds: float = 20.0):  # fmt: skip
        self.port = port
        self.refuse = refuse or {}
        self.hold_until_peers = hold_until_peers
        self.hold_seconds = hold_seconds
        self.messages: list[Received] = []
        self._peers: set = set()
        self._everyone_here: asyncio.Event | None = None
        self._lock = threading.Lock()
        self.controller: Controller | None = None

    # --- aiosmtpd handler hooks ----------------------------------------------------------------------

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self._peers.add(session.peer)
        if self.hold_until_peers:
            if self._everyone_here is None:
                self._everyone_here = asyncio.Event()
            if len(self._peers) >= self.hold_until_peers:
                self._everyone_here.set()
            try:
                await asyncio.wait_for(self._everyone_here.wait(), self.hold_seconds)
            except TimeoutError:
                pass  # the test sees that only one connection sent anything
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.messages.append(Received(session.peer, envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    # --- start and stop ------------------------------------------------------------------------------

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def recipients(self) -> list[str]:
        with self._lock:
            return sorted(address for received in self.messages for address in received.rcpt_tos)
