"""What the case lifecycle tells the layers above it (cases imports no app above it).

``decided`` is sent inside the decision's transaction, after the decision's own notice is
issued: a receiver may issue further notices with it (joint: the consolidated opinion of a
joint acceptance). Receivers take ``case`` and ``decision``.
"""

from django.dispatch import Signal

decided = Signal()

# Sent as an applicant's SMS is composed, with ``case`` and ``action``: a receiver may return a
# line to add (feedback: the link to rate a case that has ended).
message_extra = Signal()
