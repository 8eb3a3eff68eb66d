"""`dangan notify` (issue 21): reminders through real servers on localhost — an HTTP server playing both group
robots (it checks each robot's documented JSON, the 钉钉 signature, and answers errors, rate limits and
slowness on demand) and an SMTP server (aiosmtpd, STARTTLS or SSL with a login) whose mails and .ics
attachments are parsed back."""

from __future__ import annotations

import base64
import datetime as dt
import email
import hashlib
import hmac
import ipaddress
import itertools
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from email import policy as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner

from conftest import REPO, needs_dangan_command, staff
from dangan.cli import cli
from dangan.notify.plan import reminds_today
from dangan.policy import Remind

AS_OF = "2026-01-05"
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "5f1f2d0c9e"
DINGTALK_SECRET = "SEC" + "3b" * 32
SMTP_USER, SMTP_PASSWORD = "dangan@hongyuan.example", "app-password-1"


# --- the robots -------------------------------------------------------------------------------------
class Robots:
    """企业微信 (/cgi-bin/webhook/send?key=…) and 钉钉 (/robot/send?access_token=…&timestamp=…&sign=…) group
    robots. A message of the wrong shape or with a bad signature is refused and noted in `violations`; a
    message answered errcode 0 is kept in `received`. `plan[robot]` lists answers to give before the normal
    one ("slow", "429", "500", "errcode", "throttle"); `always[robot]` answers every request so."""

    def __init__(self):
        self.received: dict[str, list[tuple[float, dict]]] = {"wecom": [], "dingtalk": []}
        self.plan: dict[str, list[str]] = {"wecom": [], "dingtalk": []}
        self.always: dict[str, str | None] = {"wecom": None, "dingtalk": None}
        self.violations: list[str] = []
        self.requests = 0
        self.lock = threading.Lock()
        robots = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                robots.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def env(self) -> dict[str, str]:
        return {"DANGAN_WECOM_WEBHOOK": f"{self.base}/cgi-bin/webhook/send?key={WECOM_KEY}",
                "DANGAN_DINGTALK_WEBHOOK": f"{self.base}/robot/send?access_token={DINGTALK_TOKEN}",
                "DANGAN_DINGTALK_SECRET": DINGTALK_SECRET}

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def messages(self, robot: str) -> list[dict]:
        return [payload for _, payload in self.received[robot]]

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.requests += 1
        url = urlsplit(request.path)
        query = parse_qs(url.query)
        body = request.rfile.read(int(request.headers.get("Content-Length", 0)))
        robot = {"/cgi-bin/webhook/send": "wecom", "/robot/send": "dingtalk"}.get(url.path)
        if robot is None:
            return self.answer(request, 404, None)
        if not request.headers.get("Content-Type", "").startswith("application/json"):
            return self.refuse(request, robot, "not JSON")
        try:
            payload = json.loads(body.decode("utf-8"))
        except ValueError:
            return self.refuse(request, robot, "body is not JSON")
        wrong = self.wecom_wrong(query, payload) if robot == "wecom" else self.dingtalk_wrong(query, payload)
        if wrong:
            return self.refuse(request, robot, wrong)
        with self.lock:
            answer = self.plan[robot].pop(0) if self.plan[robot] else self.always[robot]
        if answer == "slow":  # answers after the client gave up: the robot drops the message
            time.sleep(1.0)
            return self.answer(request, 200, {"errcode": 0, "errmsg": "ok"})
        if answer in ("429", "500"):
            return self.answer(request, int(answer), None)
        if answer == "errcode":
            return self.answer(request, 200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        if answer == "throttle":
            code = 45009 if robot == "wecom" else 130101
            return self.answer(request, 200, {"errcode": code, "errmsg": "send too fast"})
        with self.lock:
            self.received[robot].append((time.monotonic(), payload))
        return self.answer(request, 200, {"errcode": 0, "errmsg": "ok"})

    def refuse(self, request, robot: str, why: str) -> None:
        with self.lock:
            self.violations.append(f"{robot}: {why}")
        self.answer(request, 200, {"errcode": 40008, "errmsg": why})

    @staticmethod
    def answer(request, status: int, body: dict | None) -> None:
        data = json.dumps(body).encode() if body is not None else b"<html>error</html>"
        request.send_response(status)
        request.send_header("Content-Type", "application/json" if body is not None else "text/html")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    @staticmethod
    def wecom_wrong(query: dict, payload: dict) -> str:
        """企业微信 群机器人: markdown.content at most 4096 bytes; text.content at most 2048 with
        mentioned_mobile_list."""
        if query.get("key") != [WECOM_KEY]:
            return "wrong key"
        kind = payload.get("msgtype")
        if kind == "markdown" and set(payload) == {"msgtype", "markdown"} and set(payload["markdown"]) == {"content"}:
            size = len(payload["markdown"]["content"].encode("utf-8"))
            return "" if 0 < size <= 4096 else f"markdown.content of {size} bytes"
        if kind == "text" and set(payload) == {"msgtype", "text"}:
            text = payload["text"]
            if set(text) - {"content", "mentioned_list", "mentioned_mobile_list"} or not isinstance(
                    text.get("mentioned_mobile_list", []), list):
                return f"text fields {sorted(text)}"
            return "" if 0 < len(text["content"].encode()) <= 2048 else "text.content too long"
        return f"shape {sorted(payload)}"

    @staticmethod
    def dingtalk_wrong(query: dict, payload: dict) -> str:
        """钉钉 自定义机器人 with 加签: timestamp (ms, within an hour) and sign = base64(HMAC-SHA256(secret,
        "timestamp\\nsecret")); markdown with title and text; at.atMobiles each @-mentioned in the text."""
        if query.get("access_token") != [DINGTALK_TOKEN]:
            return "wrong access_token"
        timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        expected = base64.b64encode(hmac.new(DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(),
                                             hashlib.sha256).digest()).decode()
        if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600_000 or sign != expected:
            return "sign not match"
        if payload.get("msgtype") != "markdown" or set(payload) != {"msgtype", "markdown", "at"}:
            return f"shape {sorted(payload)}"
        markdown, at = payload["markdown"], payload["at"]
        if set(markdown) != {"title", "text"} or not markdown["title"] or not markdown["text"]:
            return "markdown needs title and text"
        if not isinstance(at.get("atMobiles"), list) or any(f"@{m}" not in markdown["text"] for m in at["atMobiles"]):
            return "atMobiles not in the text"
        return ""


# --- the mail server --------------------------------------------------------------------------------
class Mailbox:
    """An aiosmtpd handler: keeps each mail's bytes; refuses the recipients in `refuse`."""

    def __init__(self):
        self.mails: list[tuple[list[str], bytes]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"

    def parsed(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(data, policy=email_policy.default) for _, data in self.mails]


def _login(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode())


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the client trusts it through SSL_CERT_FILE)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    def __init__(self, certificate: tuple[Path, Path], security: str = "starttls"):
        cert, key = certificate
        self.cert = cert
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.robots = Robots()
        self.mailbox = Mailbox()
        self.port = _free_port()
        # aiosmtpd counts only STARTTLS as TLS for AUTH: over SSL from the start it must be told not to insist
        tls = {"tls_context": context, "require_starttls": True, "auth_require_tls": True} \
            if security == "starttls" else {"ssl_context": context, "auth_require_tls": False}
        self.smtp = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, authenticator=_login, **tls)
        self.smtp.start()

    def env(self) -> dict[str, str]:
        return {**self.robots.env(), "DANGAN_SMTP_HOST": "127.0.0.1", "DANGAN_SMTP_PORT": str(self.port),
                "DANGAN_SMTP_USER": SMTP_USER, "DANGAN_SMTP_PASSWORD": SMTP_PASSWORD,
                "DANGAN_SMTP_FROM": "档案提醒 <dangan@hongyuan.example>", "SSL_CERT_FILE": str(self.cert)}

    def close(self):
        self.robots.close()
        self.smtp.stop()


@pytest.fixture
def servers(certificate):
    found = Servers(certificate)
    yield found
    found.close()


# --- the archive ------------------------------------------------------------------------------------
def _demo(target: Path, change=None) -> Path:
    """The demo archive copied, with fast retries (and `change` applied to its notify section)."""
    shutil.copytree(REPO / "records", target / "records")
    shutil.copytree(REPO / "schemas", target / "schemas")
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    path = target / "records" / "policy.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["notify"]["retry"] = {"attempts": 3, "backoff_seconds": 0.01, "timeout_seconds": 0.4}
    if change:
        change(data["notify"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture
def demo(tmp_path) -> Path:
    return _demo(tmp_path / "demo")


def notify(root: Path, state: Path, *args: str, env: dict | None = None):
    return CliRunner(env=env or {}).invoke(cli, ["notify", "--root", str(root), "--state", str(state),
                                                 "--as-of", AS_OF, *args], catch_exceptions=False)


def _staff_mobiles(root: Path) -> dict[str, str]:
    out = {}
    for path in (root / "records" / "staff").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[data["id"]] = data.get("mobile")
    return out


def _due(root: Path, within: int) -> list[dict]:
    result = CliRunner().invoke(cli, ["due", "--root", str(root), "--as-of", AS_OF, "--within", str(within),
                                      "--format", "json"], catch_exceptions=False)
    return json.loads(result.output)["items"]


# --- when --------------------------------------------------------------------------------------------
def test_the_policy_says_on_which_days_an_item_is_reminded_of():
    remind = Remind(before_days=(3, 1), on_due_day=True, overdue_days=(1, 3, 7), then_every_days=7)
    due = dt.date(2026, 1, 10)
    days = [n for n in range(-10, 40) if reminds_today(remind, due, due + dt.timedelta(days=n))]
    assert days == [-3, -1, 0, 1, 3, 7, 14, 21, 28, 35]
    quiet = Remind(before_days=(), on_due_day=False, overdue_days=(2,), then_every_days=0)
    assert [n for n in range(-5, 30) if reminds_today(quiet, due, due + dt.timedelta(days=n))] == [2]


# --- dry run on the demo ---------------------------------------------------------------------------
def test_dry_run_on_the_demo_lists_each_persons_reminders_per_channel(tmp_path):
    result = notify(REPO, tmp_path / "state", "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.output
    mobiles = _staff_mobiles(REPO)
    assert "业务部企业微信群（wecom_business）" in out and "客服与综合部钉钉群（dingtalk_service）" in out
    assert "电子邮件（email）" in out
    # today's items (due 3 and 1 days ahead, today, 1 … days late) and nothing else
    items = [i for i in _due(REPO, 3) if (dt.date.fromisoformat(AS_OF) - dt.date.fromisoformat(i["due"])).days
             in (-3, -1, 0, 1, 3, 7, 14, 21, 28)]
    assert items
    for item in items:
        assert item["record"] in out
    assert "逾期 97 天" not in out  # the loan 97 days late: not a reminder day (7 + a multiple of 7)
    assert f"@{mobiles['S012']}" in out  # 钉钉: the person @-mentioned by the mobile of their staff record
    assert "致 卫晓燕 <weixiaoyan@hongyuan.example>：档案到期提醒 2026-01-05" in out
    assert not list((tmp_path / "state").glob("*.json"))  # a dry run sends and records nothing
    one = notify(REPO, tmp_path / "state", "--dry-run", "--staff", "S012")
    assert one.exit_code == 0 and "卫晓燕" in one.output and "孙丽娟" not in one.output


# --- delivery ----------------------------------------------------------------------------------------
def test_every_channel_delivers_with_chinese_intact_and_nothing_twice(demo, servers, tmp_path):
    state = tmp_path / "state"
    preview = notify(demo, state, "--dry-run", env=servers.env())
    assert servers.robots.requests == 0 and servers.mailbox.mails == []
    result = notify(demo, state, env=servers.env())
    assert result.exit_code == 0, result.output
    robots, mobiles = servers.robots, _staff_mobiles(demo)
    assert robots.violations == []
    wecom, dingtalk = robots.messages("wecom"), robots.messages("dingtalk")
    markdown = [m["markdown"]["content"] for m in wecom if m["msgtype"] == "markdown"]
    mentions = [m["text"] for m in wecom if m["msgtype"] == "text"]
    assert markdown and mentions
    assert "**孙丽娟（S003）**" in markdown[0] and "逾期 1 天" in markdown[0]
    assert "https://dangan.hongyuan.example/records/dossiers/2025%E9%B8%BF" in "".join(markdown)
    assert mobiles["S003"] in mentions[0]["mentioned_mobile_list"]
    assert "孙丽娟" in mentions[0]["content"]
    text = dingtalk[0]["markdown"]["text"]
    assert dingtalk[0]["markdown"]["title"] == "档案到期提醒 2026-01-05"
    assert "卫晓燕（S012）" in text and mobiles["S012"] in dingtalk[0]["at"]["atMobiles"]
    assert "客诉答复：KH0041" in text and "依据 complaints.reply_within" in text

    mails = servers.mailbox.parsed()
    by_person = {m["To"].addresses[0].addr_spec: m for m in mails}
    assert len(mails) == len(by_person) == 8  # one digest per person
    mail = by_person["weixiaoyan@hongyuan.example"]
    assert mail["Subject"] == "档案到期提醒 2026-01-05：2 项"
    assert mail["To"].addresses[0].display_name == "卫晓燕"
    assert mail["From"].addresses[0].display_name == "档案提醒"
    body = mail.get_body(("plain",)).get_content()
    assert "客诉答复：KH0041" in body and "到期：2026-01-06（还有 1 天）" in body
    assert "https://dangan.hongyuan.example/records/complaints/KS2025-006.html" in body
    [ics] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    calendar = ics.get_content()
    unfolded = calendar.replace("\r\n ", "")
    assert unfolded.startswith("BEGIN:VCALENDAR") and unfolded.count("BEGIN:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20260106" in unfolded and "SUMMARY:客诉答复：客诉答复：KH0041" in unfolded
    assert "已发送" in result.output and "全部送达" in result.output

    before = robots.requests, len(servers.mailbox.mails)
    again = notify(demo, state, env=servers.env())
    assert again.exit_code == 0, again.output
    assert (robots.requests, len(servers.mailbox.mails)) == before  # nothing sent twice on the same day
    assert "今天早先已发送" in again.output

    # what the dry run printed is what went out
    for payload in robots.messages("wecom"):
        assert (payload.get("markdown") or payload["text"])["content"] in preview.output
    assert all(m["markdown"]["text"] in preview.output for m in robots.messages("dingtalk"))
    assert all(m.get_body(("plain",)).get_content().rstrip("\n") in preview.output for m in mails)

    # the next day plans that day's reminders from the date alone
    later = CliRunner(env=servers.env()).invoke(cli, ["notify", "--root", str(demo), "--state", str(state),
                                                      "--as-of", "2026-01-06"], catch_exceptions=False)
    assert later.exit_code == 0, later.output
    assert len(servers.mailbox.mails) > before[1] and "今天早先已发送 0 条" in later.output


def test_failures_are_retried_reported_and_only_the_failed_part_is_sent_again(demo, servers, tmp_path):
    state, robots, mailbox = tmp_path / "state", servers.robots, servers.mailbox
    robots.plan["dingtalk"] = ["slow", "429"]  # a timeout, then a rate limit, then through on the 3rd attempt
    # 企业微信's markdown: an HTTP error, then errcode twice: given up after 3 attempts, and its @-mentions wait
    robots.plan["wecom"] = ["500", "errcode", "errcode"]
    mailbox.refuse = {"weixiaoyan@hongyuan.example"}  # refused on every attempt
    first = notify(demo, state, env=servers.env())
    assert first.exit_code == 1, first.output
    out = first.output
    assert robots.violations == []
    assert len(robots.messages("dingtalk")) == 1
    assert robots.messages("wecom") == []
    assert len(mailbox.mails) == 7
    assert "客服与综合部钉钉群（dingtalk_service）：全部送达，已发送 1 条" in out
    assert "业务部企业微信群（wecom_business）：全部失败，已发送 0 条" in out
    assert "机器人返回 errcode 93000：invalid webhook url；已尝试 3 次" in out
    assert "未发送：它要 @ 的人所看的那条提醒没有发出" in out
    assert "电子邮件（email）：部分失败，已发送 7 条" in out
    assert "致 卫晓燕 <weixiaoyan@hongyuan.example>" in out and "邮件服务器拒绝：" in out and "550" in out
    assert "共 3 条没有发出" in out
    assert WECOM_KEY not in out and DINGTALK_SECRET not in out  # secrets are never printed

    mailbox.refuse = set()
    second = notify(demo, state, env=servers.env())
    assert second.exit_code == 0, second.output
    assert [m["msgtype"] for m in robots.messages("wecom")] == ["markdown", "text"]  # what had failed, in order
    assert len(robots.messages("dingtalk")) == 1
    assert len(mailbox.mails) == 8 and mailbox.mails[-1][0] == ["weixiaoyan@hongyuan.example"]


def test_rate_limit_answers_are_retried_and_each_robot_is_paced(tmp_path, servers):
    root = _demo(tmp_path / "demo", lambda n: n.update(rate_limit={"messages": 1, "seconds": 0.4}))
    servers.robots.plan["wecom"] = ["throttle"]
    result = notify(root, tmp_path / "state", env=servers.env())
    assert result.exit_code == 0, result.output
    arrivals = [t for t, _ in servers.robots.received["wecom"]]
    assert len(arrivals) >= 2
    assert all(b - a >= 0.35 for a, b in itertools.pairwise(arrivals))  # one per 0.4 s


def test_a_channel_without_its_variables_fails_alone(demo, servers, tmp_path):
    env = {k: v for k, v in servers.env().items() if k != "DANGAN_DINGTALK_SECRET"}
    result = notify(demo, tmp_path / "state", env=env)
    assert result.exit_code == 1
    assert "环境变量 DANGAN_DINGTALK_SECRET 没有设置" in result.output
    assert servers.robots.messages("dingtalk") == [] and servers.robots.messages("wecom")
    assert len(servers.mailbox.mails) == 8


def test_long_lists_are_split_within_the_robots_limit(tmp_path, servers):
    root = _demo(tmp_path / "demo", lambda n: n["remind"].update(before_days=list(range(1, 121))))
    result = notify(root, tmp_path / "state", env=servers.env())
    assert result.exit_code == 0, result.output
    assert servers.robots.violations == []  # every markdown within 4096 bytes
    wecom = [m["markdown"]["content"] for m in servers.robots.messages("wecom") if m["msgtype"] == "markdown"]
    dingtalk = [m["markdown"]["text"] for m in servers.robots.messages("dingtalk")]
    assert len(wecom) > 2 and len(dingtalk) > 1
    assert wecom[1].startswith("### 档案到期提醒 2026-01-05（续 2）")
    assert any("**卫晓燕（S012）** @" in text and "（续）" in text for text in dingtalk[1:])
    records = {i["record"] for i in _due(root, 120)
               if i["owner"] in ("S003", "S004", "S008") and i["overdue_days"] == 0}  # every day ahead: all
    assert all(record in "".join(wecom) for record in records)


def test_smtp_over_ssl(tmp_path, certificate):
    root = _demo(tmp_path / "demo", lambda n: n["channels"][2].update(security="ssl"))
    found = Servers(certificate, security="ssl")
    try:
        result = notify(root, tmp_path / "state", "--staff", "S012", env=found.env())
        assert result.exit_code == 0, result.output
        [mail] = found.mailbox.parsed()
        assert mail["Subject"] == "档案到期提醒 2026-01-05：2 项"
    finally:
        found.close()


def test_unroutable_reminders_are_listed(archive, tmp_path):
    archive.add("staff", staff("S020", "王磊", ["sales_rep"], "yw1", mobile="13904710020"))
    for lid, borrower in (("JY2026-001", "S020"), ("JY2026-002", "S099")):
        archive.add("loan", {"id": lid, "dossiers": ["2024鸿借字第001号"], "borrower": borrower,
                             "purpose": "贷后检查", "lent": {"by": "S014", "date": "2025-12-20"},
                             "due_on": "2026-01-04"})
    result = notify(archive.root, tmp_path / "state", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "**王磊（S020）**" in result.output and "@ 13904710020" in result.output
    assert "无法提醒的事项（1 项）" in result.output and "负责人 S099 不在员工名册中" in result.output


def test_bad_input_is_refused_without_a_traceback(demo, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for args, words in ((("--as-of", "2026-13-01"), "YYYY-MM-DD"), (("--staff", "S999"), "没有这名员工"),
                        (("--state", str(blocker / "sub")), "无法写入发送记录")):
        result = CliRunner().invoke(cli, ["notify", "--root", str(demo), *args])
        assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output, args


def test_a_policy_without_channels_is_refused(archive):
    archive.edit_policy(lambda data: data.pop("notify"))
    result = archive.run("notify", "--dry-run", "--as-of", AS_OF)
    assert result.exit_code == 2 and "policy.yaml 的 notify 没有提醒渠道" in result.output


# --- secrets in the policy ------------------------------------------------------------------------
def test_check_flags_a_secret_committed_in_the_policy(archive):
    assert [p for p in archive.check()[1] if p["code"] == "policy.secret"] == []

    def leak(data):
        channels = data["notify"]["channels"]
        channels[0]["env"]["webhook"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"
        channels[1]["env"]["secret"] = DINGTALK_SECRET
        channels[2]["env"]["password"] = "hunter2!"
        data["notify"]["site_url"] = "https://oapi.dingtalk.com/robot/send?access_token=5f1f2d0c9e"

    archive.edit_policy(leak)
    code, problems = archive.check()
    found = {p["field"]: p for p in problems if p["code"] == "policy.secret"}
    assert code == 1
    assert set(found) == {"notify.channels[0].env.webhook", "notify.channels[1].env.secret",
                          "notify.channels[2].env.password", "notify.site_url"}
    assert all(p["line"] and p["severity"] == "error" for p in found.values())
    assert "密钥" in found["notify.channels[0].env.webhook"]["message"]


# --- the scheduled jobs ------------------------------------------------------------------------------
@needs_dangan_command
def test_init_writes_daily_scheduled_jobs_with_the_secrets(tmp_path):
    target = tmp_path / "archive"
    made = subprocess.run(["dangan", "init", str(target), "--name", "测试融资担保有限公司", "--short-name", "测"],
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    github = target / ".github" / "workflows" / "dangan-notify.yml"
    gitlab = target / ".gitlab" / "dangan-notify.yml"
    for path, schema in ((github, "vendor.github-workflows"), (gitlab, "vendor.gitlab-ci")):
        checked = subprocess.run(["check-jsonschema", "--builtin-schema", schema, str(path)],
                                 capture_output=True, text=True, timeout=120)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    workflow = yaml.safe_load(github.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "0 0 * * *"}] and "workflow_dispatch" in triggers
    job = workflow["jobs"]["notify"]
    steps = " ".join(str(step.get("run", "")) for step in job["steps"])
    assert "dangan notify" in steps and job["env"]["TZ"] == "Asia/Shanghai"
    policy = yaml.safe_load((target / "records" / "policy.yaml").read_text(encoding="utf-8"))
    names = {name for channel in policy["notify"]["channels"] for name in channel["env"].values()}
    assert all(job["env"][name] == f"${{{{ secrets.{name} }}}}" for name in names)
    pipeline = yaml.safe_load(gitlab.read_text(encoding="utf-8"))["dangan-notify"]
    assert pipeline["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert "dangan notify" in " ".join(pipeline["script"])
