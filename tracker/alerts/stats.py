"""Per-rule alert statistics for admins and physicians (so a site can tune its thresholds).

For a period (alerts raised in it; check-ins recorded in it), per rule: how many alerts, alerts per
100 check-ins, median time from raising to acknowledgement, the share that escalated, and the mix of
outcomes of those resolved. Scoped like everything else: admins see the whole site, physicians the
patients whose care team they are on.
"""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count

from tracker.accounts.selectors import scope_to_user
from tracker.alerts.evaluation import checkins_count
from tracker.alerts.models import Alert
from tracker.alerts.outcomes import outcome_label
from tracker.core.vocab import RuleCode


@dataclass
class RuleStats:
    rule: str
    label: str
    count: int = 0
    per_100_checkins: float | None = None
    median_time_to_acknowledge: timedelta | None = None
    acknowledged: int = 0
    escalated: int = 0
    share_escalated: float | None = None
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def outcome_mix(self) -> list[tuple[str, int, float]]:
        """(outcome label, count, share of resolved) by count, most common first."""
        resolved = sum(self.outcomes.values())
        return [
            (outcome_label(code), n, n / resolved)
            for code, n in sorted(self.outcomes.items(), key=lambda item: (-item[1], item[0]))
        ]


@dataclass
class AlertStatistics:
    start: datetime
    end: datetime
    checkins: int
    rules: list[RuleStats]

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rules)


def alert_statistics(*, user, start: datetime, end: datetime) -> AlertStatistics:
    """Statistics of the alerts `user` may see raised in [start, end). Three queries."""
    alerts = scope_to_user(user, Alert.objects.filter(created_at__gte=start, created_at__lt=end))
    checkins = checkins_count(user, start, end)
    by_rule = {code: RuleStats(rule=code, label=str(label)) for code, label in RuleCode.choices}
    ack_times: dict[str, list[float]] = {code: [] for code in by_rule}
    for rule, created_at, acknowledged_at, level in alerts.values_list(
        "rule", "created_at", "acknowledged_at", "escalation_level"
    ).iterator():
        stats = by_rule.setdefault(rule, RuleStats(rule=rule, label=rule))
        stats.count += 1
        stats.escalated += level > 0
        if acknowledged_at is not None:
            stats.acknowledged += 1
            ack_times.setdefault(rule, []).append((acknowledged_at - created_at).total_seconds())
    for rule, outcome, n in (
        alerts.exclude(outcome="").values_list("rule", "outcome").annotate(n=Count("id")).order_by("rule", "outcome")
    ):
        by_rule[rule].outcomes[outcome] = n
    for stats in by_rule.values():
        if checkins:
            stats.per_100_checkins = 100 * stats.count / checkins
        if stats.count:
            stats.share_escalated = stats.escalated / stats.count
        seconds = ack_times.get(stats.rule)
        if seconds:
            stats.median_time_to_acknowledge = timedelta(seconds=statistics.median(seconds))
    return AlertStatistics(start=start, end=end, checkins=checkins, rules=list(by_rule.values()))


def duration_words(value: timedelta | None) -> str:
    """A duration for people: "3 d 4 h", "2 h 5 min", "7 min", "40 s"."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"
