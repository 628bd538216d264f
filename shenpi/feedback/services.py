"""Ratings (F2): given by the case's applicant, once per case and channel, after the case has
ended (delivered, refused, withdrawn or terminated) or, at the window, for the case just
handled; a poor rating opens its follow-up, which the rated department works (call-back,
rectification) and the applicant closes with a second rating. A department may appeal a poor
rating; a supervisor rules. Every write audited; bad input changes nothing.

Who the applicant is, by channel: on the portal, the case's account; through the SMS link, the
holder of the signed link sent to the case's phone; at the window, whoever stands at the
counter of the clerk who has just handled the case (the tablet is tied to that clerk)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.cases.lifecycle import State
from shenpi.cases.models import Case, CaseEvent, Outbox, StepTask
from shenpi.core.exceptions import Refused
from shenpi.core.validation import require as _require
from shenpi.core.validation import text as _text
from shenpi.workdays.selectors import current_calendar

from . import access, indicators
from .models import FollowUp, Rating, RatingAppeal

ENDED = (State.DELIVERED, State.NOT_ACCEPTED, State.WITHDRAWN, State.TERMINATED)
SALT = "shenpi.feedback.rate"


# The SMS link: a signed, expiring token naming the case (and, for a second rating, the follow-up).

def link_token(case: Case, *, again: bool = False) -> str:
    return signing.dumps({"c": case.pk, "a": int(again)}, salt=SALT, compress=True)


def link_url(case: Case, *, again: bool = False) -> str:
    return settings.SHENPI_PUBLIC_URL + reverse("portal:rate-link", args=[link_token(case, again=again)])


def case_of_token(token: Any) -> tuple[Case, bool] | None:
    """The case a link names and whether it asks for the second rating; None when the link is
    forged, damaged or older than SHENPI_RATING_LINK_DAYS."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=datetime.timedelta(days=settings.SHENPI_RATING_LINK_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return None
    case = Case.objects.filter(pk=data["c"]).first()
    return (case, bool(data.get("a"))) if case else None


def tablet_case(clerk: Any) -> Case | None:
    """The case the clerk's counter rates: the one the clerk last acted on at their window
    within SHENPI_TABLET_MINUTES."""
    staff = getattr(clerk, "staff", None) if clerk and clerk.is_authenticated else None
    if staff is None or not staff.window_id:
        return None
    now = timezone.now()
    since = now - datetime.timedelta(minutes=settings.SHENPI_TABLET_MINUTES)
    event = (CaseEvent.objects.filter(actor=clerk, at__gte=since, at__lte=now, case__window_id=staff.window_id)
             .order_by("-at", "-pk").select_related("case", "case__version").first())
    return event.case if event else None


def _applicant_proved(case: Case, channel: str, actor: Any, token: Any) -> bool:
    if channel == Rating.Channel.PORTAL:
        return bool(actor and actor.is_authenticated and case.applicant_user_id == actor.pk)
    if channel == Rating.Channel.SMS:
        named = case_of_token(token)
        return named is not None and named[0].pk == case.pk
    if channel == Rating.Channel.WINDOW:
        just = tablet_case(actor)
        return just is not None and just.pk == case.pk
    return False


def _rated_person(case: Case) -> Any:
    """Whom the rating is about at the window: the clerk who received the case; otherwise the
    person of its last step."""
    step = StepTask.objects.filter(case=case, status=StepTask.Status.DONE).order_by("-completed_at").first()
    return case.received_by or (step.assignee if step else None)


def level_errors(level: Any) -> list[str]:
    if not isinstance(level, int) or isinstance(level, bool) or level not in Rating.Level.values:
        return [_("A rating is one of the five levels, 1 to 5.")]
    return []


@transaction.atomic
def rate(*, case: Case, channel: str, level: Any, text: Any = "", chosen: Any = (), actor: Any = None,
         token: Any = "") -> Rating:
    errors: dict[str, list[str]] = {}
    if channel not in Rating.Channel.values:
        _require({"channel": [_("Unknown channel.")]})
    if not _applicant_proved(case, channel, actor, token):
        raise Refused(_("Only the applicant of the case rates it."))
    if level_errors(level):
        errors["level"] = level_errors(level)
    if case.state not in ENDED and not (channel == Rating.Channel.WINDOW and case.window_id):
        errors["case"] = [_("A case is rated when it has ended.")]
    if not isinstance(text, str) or len(text) > 2000:
        errors["text"] = [_("At most 2000 characters.")]
    if isinstance(chosen, str) or not isinstance(chosen, list | tuple) or not all(
            isinstance(c, str) and c in indicators.ALL for c in chosen):
        errors["indicators"] = [_("Choose among the listed indicators.")]
    _require(errors)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case, channel=channel, level=level, text=_text(text), indicators=sorted(set(chosen)),
                department_id=case.department_id, window_id=case.window_id, person=_rated_person(case),
                given_by=actor if channel == Rating.Channel.PORTAL else None)
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


def _follow_up_locked(follow_up: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().select_related("rating__case").get(pk=follow_up.pk)


@transaction.atomic
def call_back(*, actor: Any, follow_up: FollowUp, note: Any) -> FollowUp:
    """The department called the applicant back (回访): what was said."""
    if not access.works_follow_up(actor, follow_up):
        raise Refused(_("Only the rated department's head or chief representative works its follow-up."))
    follow_up = _follow_up_locked(follow_up)
    errors = {}
    if follow_up.called_back_at:
        errors["follow_up"] = [_("The call-back is recorded already.")]
    if not _text(note) or len(_text(note)) > 2000:
        errors["note"] = [_("Say what the applicant was told and said (at most 2000 characters).")]
    _require(errors)
    follow_up.called_back_at, follow_up.called_back_by, follow_up.call_note = timezone.now(), actor, _text(note)
    follow_up.save(update_fields=["called_back_at", "called_back_by", "call_note"])
    record(actor=actor, action="feedback.follow_up.call_back", obj=follow_up,
           after={"on_time": timezone.localdate() <= follow_up.call_back_due})
    return follow_up


@transaction.atomic
def rectify(*, actor: Any, follow_up: FollowUp, text: Any) -> FollowUp:
    """The department records what it put right (整改); the applicant is asked, by SMS with a
    link, to rate again."""
    if not access.works_follow_up(actor, follow_up):
        raise Refused(_("Only the rated department's head or chief representative works its follow-up."))
    follow_up = _follow_up_locked(follow_up)
    errors = {}
    if not follow_up.called_back_at:
        errors["follow_up"] = [_("Call the applicant back first.")]
    elif follow_up.rectified_at:
        errors["follow_up"] = [_("The rectification is recorded already.")]
    if not _text(text) or len(_text(text)) > 4000:
        errors["rectification"] = [_("Say what was put right (at most 4000 characters).")]
    _require(errors)
    follow_up.rectified_at, follow_up.rectified_by, follow_up.rectification = timezone.now(), actor, _text(text)
    follow_up.save(update_fields=["rectified_at", "rectified_by", "rectification"])
    case = follow_up.rating.case
    if case.applicant_phone:
        with translation.override(settings.LANGUAGE_CODE):  # messages go out in the centre's language
            body = _("[%(centre)s] We have acted on your rating of case %(number)s: %(text)s Please rate us "
                     "again: %(url)s") % {"centre": case.centre.name, "number": case.number,
                                         "text": follow_up.rectification[:60], "url": link_url(case, again=True)}
        Outbox.objects.create(case=case, phone=case.applicant_phone, body=body)
    record(actor=actor, action="feedback.follow_up.rectify", obj=follow_up,
           after={"on_time": timezone.localdate() <= follow_up.rectify_due})
    return follow_up


@transaction.atomic
def rate_again(*, follow_up: FollowUp, level: Any, text: Any = "", actor: Any = None, token: Any = "") -> FollowUp:
    """The applicant's second rating, after the rectification; it closes the follow-up."""
    follow_up = _follow_up_locked(follow_up)
    case = follow_up.rating.case
    named = case_of_token(token) if token else None
    if not ((actor and actor.is_authenticated and case.applicant_user_id == actor.pk)
            or (named is not None and named[0].pk == case.pk)):
        raise Refused(_("Only the applicant of the case rates it."))
    errors: dict[str, list[str]] = {}
    if not follow_up.rectified_at:
        errors["follow_up"] = [_("The department has not yet recorded its rectification.")]
    elif follow_up.second_level:
        errors["follow_up"] = [_("You have rated again already.")]
    if level_errors(level):
        errors["level"] = level_errors(level)
    if not isinstance(text, str) or len(text) > 2000:
        errors["text"] = [_("At most 2000 characters.")]
    _require(errors)
    follow_up.second_level, follow_up.second_text, follow_up.second_rated_at = level, _text(text), timezone.now()
    follow_up.save(update_fields=["second_level", "second_text", "second_rated_at"])
    record(actor=actor if named is None else None, action="feedback.follow_up.rate_again", obj=follow_up,
           after={"level": level})
    return follow_up


@transaction.atomic
def appeal(*, actor: Any, rating: Rating, reason: Any) -> RatingAppeal:
    """The rated department believes a poor rating malicious (恶意差评) and says why."""
    if not access.answers_for(actor, rating.department_id):
        raise Refused(_("Only the rated department's head or chief representative appeals its ratings."))
    errors = {}
    if not rating.poor:
        errors["rating"] = [_("Only a poor rating may be appealed.")]
    elif RatingAppeal.objects.filter(rating=rating).exists():
        errors["rating"] = [_("This rating has been appealed already.")]
    if not _text(reason) or len(_text(reason)) > 4000:
        errors["reason"] = [_("Give the reason, with what shows it (at most 4000 characters).")]
    _require(errors)
    try:
        with transaction.atomic():
            entry = RatingAppeal.objects.create(rating=rating, reason=_text(reason), filed_by=actor)
    except IntegrityError:
        raise ValidationError({"rating": [_("This rating has been appealed already.")]}) from None
    record(actor=actor, action="feedback.rating.appeal", obj=entry, after={"rating": rating.pk})
    return entry


@transaction.atomic
def rule_appeal(*, actor: Any, appeal: RatingAppeal, upheld: Any, ruling: Any) -> RatingAppeal:
    """A supervisor rules; upheld, the rating stays on record and leaves the figures."""
    if not access.is_supervisor(actor):
        raise Refused(_("Only a supervisor may do this."))
    appeal = RatingAppeal.objects.select_for_update().select_related("rating").get(pk=appeal.pk)
    errors = {}
    if appeal.status != RatingAppeal.Status.PENDING:
        errors["appeal"] = [_("This appeal has been ruled on already.")]
    if not isinstance(upheld, bool):
        errors["upheld"] = [_("Say whether the appeal is upheld.")]
    if not _text(ruling) or len(_text(ruling)) > 4000:
        errors["ruling"] = [_("Give the reasons for the ruling (at most 4000 characters).")]
    _require(errors)
    appeal.status = RatingAppeal.Status.UPHELD if upheld else RatingAppeal.Status.DISMISSED
    appeal.ruling, appeal.ruled_by, appeal.ruled_at = _text(ruling), actor, timezone.now()
    appeal.save(update_fields=["status", "ruling", "ruled_by", "ruled_at"])
    if upheld:
        Rating.objects.filter(pk=appeal.rating_id).update(excluded=True)
    record(actor=actor, action="feedback.rating.rule_appeal", obj=appeal,
           after={"status": appeal.status, "rating": appeal.rating_id})
    return appeal


def rating_link_line(sender: Any, case: Case, action: str, **kwargs: Any) -> str:
    """The line the SMS that tells the applicant the case has ended carries: the link to rate it."""
    if case.state not in ENDED or Rating.objects.filter(case=case, channel=Rating.Channel.SMS).exists():
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return _(" Rate our service: %(url)s") % {"url": link_url(case)}
