"""Page access by role: the decorators every app's views use (object access is in selectors.py)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from tracker.accounts.selectors import patient_of
from tracker.core.vocab import STAFF_ROLES


def role_required(*roles):
    """Signed in with one of `roles`; anyone else signed in gets 403, anonymous users the login page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(*STAFF_ROLES)


def patient_required(view):
    """Signed in as a patient with a profile; the view gets it as its second argument, `patient`."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        patient = patient_of(request.user)
        if patient is None:
            raise PermissionDenied
        return view(request, patient, *args, **kwargs)

    return wrapped
