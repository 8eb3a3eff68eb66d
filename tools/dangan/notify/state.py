"""The record of what `dangan notify` delivered, so that a re-run on the same day sends only what failed.

The plan is derived from the day alone, so a run on another day never repeats one that succeeded; what a
failed run's re-run must not repeat are the messages of that day that did go out. They are written here,
one file per day (`<day>.json`: channel → the keys of its messages sent), each write complete before the next
message goes (a temporary file renamed over the old), outside the archive's records: `.dangan-cache/notify/`
(git-ignored) or the folder given by `--state`. A scheduled CI job keeps the folder between attempts with its
cache (see the templates of `dangan init`). Files of days long past are removed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

KEEP_DAYS = 31


class SentLog:
    def __init__(self, folder: Path, day: dt.date):
        self.folder, self.day = folder, day
        self.path = folder / f"{day.isoformat()}.json"
        self.sent: dict[str, set[str]] = {}

    @classmethod
    def open(cls, folder: Path, day: dt.date) -> SentLog:
        """The day's record (empty when there is none or it cannot be read). Raises OSError when the folder
        cannot be written: then nothing may be sent, for nothing sent could be remembered."""
        log = cls(folder, day)
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
        try:
            data = json.loads(log.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict):
            log.sent = {str(k): {str(x) for x in v} for k, v in data.items() if isinstance(v, list)}
        log._prune()
        return log

    def has(self, channel: str, key: str) -> bool:
        return key in self.sent.get(channel, ())

    def add(self, channel: str, key: str) -> None:
        self.sent.setdefault(channel, set()).add(key)
        data = {k: sorted(v) for k, v in sorted(self.sent.items())}
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{self.day.isoformat()}-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)

    def _prune(self) -> None:
        for old in self.folder.glob("*.json"):
            try:
                day = dt.date.fromisoformat(old.stem)
            except ValueError:
                continue
            if abs((self.day - day).days) > KEEP_DAYS:
                old.unlink(missing_ok=True)
