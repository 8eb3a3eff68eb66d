"""The senders of `dangan notify`: the two group robots over HTTP (urllib) and e-mail over SMTP (smtplib).

Each send either returns or raises `Failure` with a code of the catalogue (`notify.*`); `deliver` retries and
reports. The robots: a POST of the message's JSON; an HTTP error, an answer that is not JSON or whose `errcode`
is not 0 is a failure (HTTP 429 and the robots' own throttling codes read as `notify.rate-limited`). A 钉钉
robot with signing on gets `timestamp` and `sign` = base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")),
URL-encoded, on its URL at each attempt (DingTalk refuses a timestamp older than an hour). Both robots take
about 20 messages a minute: `Pacer` holds each robot to `notify.rate_limit`. E-mail: STARTTLS or SSL with the
system's certificates (`SSL_CERT_FILE` names others), a login when a user is given.

No secret is ever put into a failure's words: the webhook URL carries the robot's key, so it is never shown.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import http.client
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from urllib.parse import quote_plus

from ..policy import Channel
from .message import Message

# the robots' own "too many messages" answers: 企业微信 45009 (api freq out of limit), 钉钉 130101 (send too fast)
THROTTLED = {45009, 130101}


class Failure(Exception):
    """A send that did not go through: a catalogue code and the words' arguments."""

    def __init__(self, code: str, **args):
        super().__init__(code)
        self.code, self.words = code, args


class Pacer:
    """At most `messages` sends within any `seconds` (a sliding window): waits before a send that would exceed it."""

    def __init__(self, messages: int, seconds: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.messages, self.seconds, self.clock, self.sleep = messages, seconds, clock, sleep
        self.sent: collections.deque[float] = collections.deque()

    def wait(self) -> None:
        now = self.clock()
        while self.sent and now - self.sent[0] >= self.seconds:
            self.sent.popleft()
        if len(self.sent) >= self.messages:
            self.sleep(self.seconds - (now - self.sent[0]))
            self.sent.popleft()
        self.sent.append(self.clock())


def signed(url: str, secret: str, timestamp_ms: int) -> str:
    """The 钉钉 webhook URL with its signed timestamp (the robot's 加签 security setting)."""
    text = f"{timestamp_ms}\n{secret}".encode()
    sign = quote_plus(base64.b64encode(hmac.new(secret.encode(), text, hashlib.sha256).digest()))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


class Robot:
    """A group robot: 企业微信 or 钉钉."""

    def __init__(self, channel: Channel, values: Mapping[str, str], timeout: float, pacer: Pacer):
        self.channel, self.timeout, self.pacer = channel, timeout, pacer
        self.url, self.secret = values["webhook"], values.get("secret", "")

    def send(self, message: Message) -> None:
        self.pacer.wait()
        url = signed(self.url, self.secret, int(time.time() * 1000)) if self.secret else self.url
        data = json.dumps(message.payload(), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read()
        except urllib.error.HTTPError as error:
            code = "notify.rate-limited" if error.code == 429 else "notify.http"
            raise Failure(code, status=error.code, detail=f"HTTP {error.code} {error.reason}") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise Failure("notify.timeout", seconds=self.timeout) from None
            raise Failure("notify.unreachable", detail=str(error.reason)) from None
        except TimeoutError:
            raise Failure("notify.timeout", seconds=self.timeout) from None
        except (OSError, http.client.HTTPException) as error:
            raise Failure("notify.unreachable", detail=type(error).__name__) from None
        try:
            result = json.loads(answer.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Failure("notify.bad-answer", detail=answer[:80].decode("utf-8", "replace")) from None
        errcode = result.get("errcode") if isinstance(result, dict) else None
        if errcode != 0:
            errmsg = str(result.get("errmsg", "")) if isinstance(result, dict) else ""
            if errcode in THROTTLED:
                raise Failure("notify.rate-limited", detail=f"errcode {errcode} {errmsg}")
            raise Failure("notify.errcode", errcode=errcode, errmsg=errmsg)

    def close(self) -> None:
        pass


class Mailer:
    """An SMTP server, one connection for the run (opened again after a failure)."""

    def __init__(self, channel: Channel, values: Mapping[str, str], timeout: float):
        self.channel, self.values, self.timeout = channel, values, timeout
        self.ssl = channel.security == "ssl"
        port = values.get("port", "").strip()
        self.port = int(port) if port.isdigit() else (465 if self.ssl else 587)
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: Message) -> None:
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            refused = self.smtp.send_message(message.mime(self.values["from"]))
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            detail = "; ".join(f"{who} {code} {_text(text)}" for who, (code, text) in error.recipients.items())
            raise Failure("notify.smtp", detail=detail) from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise Failure("notify.smtp", detail=f"{error.smtp_code} {_text(error.smtp_error)}") from None
        except (TimeoutError, smtplib.SMTPServerDisconnected) as error:
            self.close()
            raise Failure("notify.timeout" if isinstance(error, TimeoutError) else "notify.unreachable",
                          seconds=self.timeout, detail=str(error) or type(error).__name__) from None
        except smtplib.SMTPException as error:  # the server does not offer what is needed (STARTTLS, AUTH …)
            self.close()
            raise Failure("notify.smtp", detail=str(error) or type(error).__name__) from None
        except OSError as error:
            self.close()
            raise Failure("notify.unreachable", detail=str(error) or type(error).__name__) from None
        if refused:
            raise Failure("notify.smtp", detail="; ".join(f"{who} {code} {_text(text)}"
                                                          for who, (code, text) in refused.items()))

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        host = self.values["host"]
        if self.ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, self.port, timeout=self.timeout)
            smtp.starttls(context=context)
        if self.values.get("user"):
            smtp.login(self.values["user"], self.values.get("password", ""))
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
