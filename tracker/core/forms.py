"""Form pieces shared by the apps' pages."""

import uuid

from django import forms


class SendOnceForm(forms.Form):
    """A form whose page stores something: a hidden `client_id`, new each time the form is shown.

    The services treat a repeated `client_id` as the same submission (one row, the original returned),
    so a double tap, or a form sent again after its reply was lost, stores one row. A form shown again
    with its errors gets a new one too: nothing was stored under the old one, and what is sent from the
    page now may differ from a version of it that was stored since (Back, then "resend" of the refused
    form); it must be stored as sent, not taken for a repeat.
    """

    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())

    def add_error(self, field, error):
        super().add_error(field, error)
        data = self.data.copy()
        data[self.add_prefix("client_id")] = str(uuid.uuid4())
        self.data = data


# The largest id the databases hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, with ids no database can hold refused as invalid choices.

    Django passes the submitted values to an ``__in`` lookup, where such a number is a database error
    (OverflowError on SQLite, DataError on PostgreSQL): a 500 instead of the form error it is.
    """

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(str(pk))  # as the lookup will read it: "+1", "1_000" and " 7 " are numbers too
            except ValueError:
                continue  # not a number: Django's own check refuses it
            if not 0 < number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)
