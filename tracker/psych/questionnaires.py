"""The questionnaires patients answer (docs/clinical.md "What patients report").

PHQ-9 and GAD-7 items are worded as published (Kroenke, Spitzer, Williams et al.; developed with an
educational grant from Pfizer Inc.; no permission is required to reproduce, translate, display or
distribute them). The distress thermometer and its problem list follow the NCCN structure (one 0-10
score, five problem areas) in this project's own words.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tracker.core.vocab import DistressProblem, Instrument

FREQUENCY = (
    (0, _("Not at all")),
    (1, _("Several days")),
    (2, _("More than half the days")),
    (3, _("Nearly every day")),
)

PHQ9_ITEMS = (
    _("Little interest or pleasure in doing things"),
    _("Feeling down, depressed, or hopeless"),
    _("Trouble falling or staying asleep, or sleeping too much"),
    _("Feeling tired or having little energy"),
    _("Poor appetite or overeating"),
    _("Feeling bad about yourself — or that you are a failure or have let yourself or your family down"),
    _("Trouble concentrating on things, such as reading the newspaper or watching television"),
    _(
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so "
        "fidgety or restless that you have been moving around a lot more than usual"
    ),
    _("Thoughts that you would be better off dead or of hurting yourself in some way"),
)

GAD7_ITEMS = (
    _("Feeling nervous, anxious or on edge"),
    _("Not being able to stop or control worrying"),
    _("Worrying too much about different things"),
    _("Trouble relaxing"),
    _("Being so restless that it is hard to sit still"),
    _("Becoming easily annoyed or irritable"),
    _("Feeling afraid as if something awful might happen"),
)

DISTRESS_QUESTION = _(
    "How much distress have you felt in the past week, including today? "
    "0 means no distress at all and 10 means the worst distress you can imagine."
)
PROBLEMS_QUESTION = _("Which of these have been a problem for you in the past week? Choose any that apply.")
PROBLEM_HINTS = {
    DistressProblem.PRACTICAL: _("money, work, housing, transport, looking after others"),
    DistressProblem.FAMILY: _("getting on with a partner, children or others close to you"),
    DistressProblem.EMOTIONAL: _("worry, fear, sadness, loneliness, anger"),
    DistressProblem.SPIRITUAL: _("faith, meaning, or questions about life"),
    DistressProblem.PHYSICAL: _("pain, tiredness, sleep, eating, getting around"),
}


@dataclass(frozen=True)
class Spec:
    instrument: str
    title: str
    intro: str
    items: tuple = ()
    minutes: int = 2


SPECS = {
    Instrument.DISTRESS_THERMOMETER: Spec(
        instrument=Instrument.DISTRESS_THERMOMETER,
        title=_("Distress thermometer"),
        intro=_("One question about how you have been feeling, and a short list of possible problems."),
        minutes=1,
    ),
    Instrument.PHQ9: Spec(
        instrument=Instrument.PHQ9,
        title=_("PHQ-9: mood"),
        intro=_("Over the last 2 weeks, how often have you been bothered by any of the following problems?"),
        items=PHQ9_ITEMS,
        minutes=3,
    ),
    Instrument.GAD7: Spec(
        instrument=Instrument.GAD7,
        title=_("GAD-7: worry and anxiety"),
        intro=_("Over the last 2 weeks, how often have you been bothered by the following problems?"),
        items=GAD7_ITEMS,
        minutes=2,
    ),
}

ATTRIBUTION = _(
    "PHQ-9 and GAD-7 were developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
    "colleagues, with an educational grant from Pfizer Inc. No permission is required to reproduce, "
    "translate, display or distribute them."
)
