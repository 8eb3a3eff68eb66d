"""Satisfaction surveys (seeds 004, 003, 001): the aspects scored below `surveys.low_score` open a
follow-up (`dangan due` lists it)."""

from __future__ import annotations

from ..facts import Facts
from ..record import Record


def low_scores(f: Facts, survey: Record) -> list[str]:
    """The aspects a survey scored below the policy's `surveys.low_score`."""
    threshold = f.policy.surveys.low_score
    if threshold is None:
        return []
    return [s.get("aspect") for s in survey.get("scores") or []
            if isinstance(s, dict) and isinstance(s.get("score"), int) and s["score"] < threshold]
