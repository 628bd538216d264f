"""Message ids of the libraries Shenpi uses that ship no Chinese, kept here so that
`make messages` puts them in Shenpi's catalogue (which takes precedence over theirs)."""

from django.utils.translation import gettext_noop

THIRD_PARTY = [
    # django-axes
    gettext_noop("access attempt"), gettext_noop("access attempts"), gettext_noop("access failure"),
    gettext_noop("access failures"), gettext_noop("access log"), gettext_noop("access logs"),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"), gettext_noop("IP Address"), gettext_noop("Username"), gettext_noop("HTTP Accept"),
    gettext_noop("Path"), gettext_noop("Attempt Time"), gettext_noop("Access lock out"), gettext_noop("GET Data"),
    gettext_noop("POST Data"), gettext_noop("Failed Logins"), gettext_noop("Access Attempt"),
    gettext_noop("Expires At"), gettext_noop("Logout Time"), gettext_noop("Locked Out"),
]


def _django_messages_its_chinese_catalogue_lacks(n=8):
    """Never called: makemessages reads these. Django 5.2 changed this validator's message id
    and its zh_Hans catalogue has not caught up, so registering applicants saw English."""
    from django.utils.translation import ngettext
    return ngettext("This password is too short. It must contain at least %d character.",
                    "This password is too short. It must contain at least %d characters.", n)
