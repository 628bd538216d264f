"""Ratings (F2): given by the case's applicant, once per case and channel, after the case has
ended (delivered, refused, withdrawn or terminated) or, at the window, for the case just
handled; a poor rating opens its follow-up. Every write audited; bad input changes nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.cases.lifecycle import State
from shenpi.cases.models import Case, StepTask
from shenpi.core.exceptions import Refused
from shenpi.workdays.selectors import current_calendar

from .models import FollowUp, Rating

ENDED = (State.DELIVERED, State.NOT_ACCEPTED, State.WITHDRAWN, State.TERMINATED)


def _rated_person(case: Case) -> Any:
    """Whom the rating is about at the window: the clerk who received the case; otherwise the
    person of its last step."""
    step = StepTask.objects.filter(case=case, status=StepTask.Status.DONE).order_by("-completed_at").first()
    return case.received_by or (step.assignee if step else None)


@transaction.atomic
def rate(*, actor: Any, case: Case, channel: str, level: Any, text: str = "") -> Rating:
    if not (actor and actor.is_authenticated and case.applicant_user_id == actor.pk):
        raise Refused(_("Only the applicant of the case rates it."))
    errors: dict[str, list[str]] = {}
    if channel not in Rating.Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if not isinstance(level, int) or isinstance(level, bool) or level not in Rating.Level.values:
        errors["level"] = [_("A rating is one of the five levels, 1 to 5.")]
    if case.state not in ENDED and not (channel == Rating.Channel.WINDOW and case.window_id):
        errors["case"] = [_("A case is rated when it has ended.")]
    if not isinstance(text, str) or len(text) > 2000:
        errors["text"] = [_("At most 2000 characters.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(case=case, channel=channel, level=level, text=text.strip(),
                                           department_id=case.department_id, window_id=case.window_id,
                                           person=_rated_person(case), given_by=actor)
    except IntegrityError:
        raise ValidationError({"case": [_("This case has been rated on this channel already.")]}) from None
    if rating.poor:
        cal = current_calendar()
        today = timezone.localdate()
        FollowUp.objects.create(rating=rating, department_id=case.department_id,
                                call_back_due=cal.add_workdays(today, settings.SHENPI_POOR_RATING_CALL_BACK_DAYS),
                                rectify_due=cal.add_workdays(today, settings.SHENPI_POOR_RATING_RECTIFY_DAYS))
    record(actor=actor, action="feedback.rating.give", obj=rating,
           after={"case": case.number, "channel": channel, "level": level, "poor": rating.poor})
    return rating
