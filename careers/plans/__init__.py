"""Learning plans and the weekly nudge emails that keep them going.

A plan starts from a curated track; its week-by-week schedule, streak and send times are
pure functions (``schedule``). Writes in ``services``, reads in ``selectors``.

How a nudge is sent: beat runs ``tasks.nudges_dispatch`` every few minutes; ``nudges``
claims the plans that are due and writes one ``NudgeDelivery`` per plan and week, then
enqueues chunks of them; a worker runs ``tasks.nudge_deliver_chunk``, which builds each
email (``emails``, with the signed one-click links of ``links``) and sends the chunk over
one SMTP connection. ``views`` has the plan pages, the pages behind the email links and the
calendar feed (``calendar``); ``api`` the plans API; ``admin`` the learners' records;
``management/commands`` ``dispatch_nudges`` and ``create_demo_user``.

Uses content (tracks, tips, advice) and accounts (time zones, the calendar secret).
"""
