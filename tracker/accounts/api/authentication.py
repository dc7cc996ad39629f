"""Token authentication that loads the token, its user and the user's patient profile in one query.

Every patient request of the API needs the profile (`tracker.accounts.selectors.patient_of`); DRF's
`TokenAuthentication` loads the token and user, and the profile would be a second query.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (same header, same errors), joined with the patient profile."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user__patient_profile").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
