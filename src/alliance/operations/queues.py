"""The task queues, and which work goes on which.

One worker serving one queue runs its tasks one after the other, so a task waits for every
task queued before it. The daily portfolio recompute takes about 40 minutes of CPU at 10,000
agreements; on the queue of the recomputes that writes ask for, a user's quick log would wait
that long for its agreement's insights. So the long jobs have a queue of their own:

- ``default`` (``INTERACTIVE``): what a person is waiting for — the recompute after a write,
  an import, the scheduler's tick (it only queues the jobs due and sends the outbox);
- ``bulk`` (``BULK``): the periodic jobs over the whole portfolio — the day's reminders,
  deliveries to confirm, pulse mail and the weekly digest first, then the recompute of every
  agreement (lower priority: it holds the worker for its whole run). At 10,000 agreements
  the reminders alone took minutes; on ``default`` they held 13 writes' recomputes back.

Production runs one ``alliance worker --queue default`` (or more) and one
``alliance worker --queue bulk``: the first never picks up the long job, so a write's
recompute starts as soon as a worker of its queue is free, whatever the daily job is doing.
A separate process rather than a daily job yielding between chunks: yielding would still hold
a write behind the chunk in hand, needs every long job to be written as resumable chunks, and
a single process shares one core between the two; two processes are scheduled by the system,
and a worker that crashes on the long job leaves the other serving writes. ``alliance worker``
with no ``--queue`` serves every queue (a single worker runs everything, as before).
"""

from __future__ import annotations

INTERACTIVE = "default"
BULK = "bulk"
QUEUES = [INTERACTIVE, BULK]
# ``alliance worker --queue all``: every queue (django-tasks-db's "*").
ALL = "all"
