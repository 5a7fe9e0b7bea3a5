"""A real SMTP server in the test process (aiosmtpd), on a free local port, keeping what it receives."""

import email
import socket
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailServer:
    """Messages received, as email.message.EmailMessage; `refuse` maps an address to the
    reply its RCPT TO gets (e.g. "550 No such user"); `on_message` runs for each message."""

    def __init__(self):
        self.messages = []
        self.refuse = {}
        self.on_message = None
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        message.peer = session.peer  # the client's address and port: one per connection
        with self._lock:
            self.messages.append(message)
        if self.on_message:
            self.on_message(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for m in self.messages if address in m.envelope_to]

    def clear(self):
        self.messages.clear()


@pytest.fixture
def mail_server(settings):
    handler = MailServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "http://testserver"
    handler.port = port
    try:
        yield handler
    finally:
        controller.stop()


def text_of(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()
