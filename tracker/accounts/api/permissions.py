from rest_framework.permissions import BasePermission

from tracker.core.vocab import CLINICIAN_ROLES, STAFF_ROLES, Role


class IsPatient(BasePermission):
    message = "Only patients can do this."

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.role == Role.PATIENT


class IsStaff(BasePermission):
    message = "Only care-team staff can do this."

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.role in STAFF_ROLES


class IsClinician(BasePermission):
    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.role in CLINICIAN_ROLES


def role_in(*roles):
    """A permission class allowing only the given roles."""

    class _RoleIn(BasePermission):
        message = "Your role cannot do this."

        def has_permission(self, request, view):
            return request.user.is_authenticated and request.user.role in roles

    _RoleIn.__name__ = "RoleIn_" + "_".join(roles)
    return _RoleIn
