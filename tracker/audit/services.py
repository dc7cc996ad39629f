from collections.abc import Iterable

from tracker.audit.models import AuditAction, AuditLog
from tracker.core.vocab import STAFF_ROLES


def audit_log(*, actor, action: str, patient=None, target: str, detail: str = "") -> AuditLog | None:
    """Record a staff member's read or change of a patient's data. Patients' own actions are not audited.

    `detail` must not hold health data: say what was done ("resolved alert 12"), not what it said.
    """
    if actor is None or not actor.is_authenticated or actor.role not in STAFF_ROLES:
        return None
    return AuditLog.objects.create(
        actor=actor, actor_role=actor.role, action=action, patient=patient, target=target[:120], detail=detail[:500]
    )


def audit_many(*, actor, action: str, patients: Iterable, target: str) -> int:
    """One row per patient for a list read (e.g. the panel), in a single query."""
    if actor is None or not actor.is_authenticated or actor.role not in STAFF_ROLES:
        return 0
    rows = [
        AuditLog(actor=actor, actor_role=actor.role, action=action, patient=p, target=target[:120]) for p in patients
    ]
    AuditLog.objects.bulk_create(rows)
    return len(rows)


__all__ = ["AuditAction", "audit_log", "audit_many"]
