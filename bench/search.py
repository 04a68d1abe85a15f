"""Benchmark of search over encrypted text: the global search and an agreement's interaction
list decrypt the summaries the reader may see and match them in Python (``core.search``).
Baseline, in the same run: the same searches' database part alone (agreements, parties,
people, commitments by ``icontains``, what the search cost before summaries were encrypted,
less the summaries' own ``LIKE``).

Worst case is a word found nowhere: every visible summary (and translation) is decrypted. A
word found often stops at the page's limit (20).

Reads whatever ``DATABASE_URL`` / ``var/`` points at (the demo, or ``alliance generate``);
writes nothing.

    .venv/bin/python bench/search.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def _setup() -> None:
    from alliance.cli import _ensure_demo_secret, _setup_django

    _ensure_demo_secret(Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")))
    _setup_django()


def measure(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``work``."""
    work()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--reader",
        action="append",
        default=[],
        metavar="USERNAME",
        help="search as this user (repeat for several; default: the administrator and the "
        "member of the most agreements)",
    )
    args = parser.parse_args()
    _setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from alliance.accounts import policy
    from alliance.accounts.models import Membership
    from alliance.web import party_selectors
    from alliance.web.filters import InteractionFilter

    users = get_user_model().objects
    admin = users.filter(is_superuser=True).first()
    busiest = (
        Membership.objects.filter(role__in=("owner", "counsellor"))
        .values("user")
        .annotate(n=Count("agreement"))
        .order_by("-n")
        .first()
    )
    counsellor = users.get(pk=busiest["user"]) if busiest else admin
    if args.reader:
        counsellor = users.get(username=args.reader[-1])
    agreement = (
        policy.agreements_visible_to(counsellor)
        .annotate(n=Count("interactions"))
        .order_by("-n")
        .first()
    )

    def database_part(user, q):
        return lambda: [
            list(qs) for k, qs in party_selectors.search(user, q).items() if k != "interactions"
        ]

    def whole(user, q):
        return lambda: [list(qs) for qs in party_selectors.search(user, q).values()]

    def listed(user, q):
        qs = policy.interactions_visible_to(user).filter(agreement=agreement)
        return lambda: list(InteractionFilter({"q": q}, queryset=qs, agreement=agreement).qs)

    rows = []
    readers = [(counsellor.username, counsellor)]
    if admin is not None:
        readers.insert(0, ("administrator", admin))
    if args.reader:
        readers = [(name, users.get(username=name)) for name in args.reader]
    for name, user in readers:
        visible = policy.interactions_visible_to(user).count()
        for label, q in (("a word found nowhere", "zzqxv"), ("a common word", "the")):
            base = measure(database_part(user, q), args.repeat)
            full = measure(whole(user, q), args.repeat)
            rows.append((f"global search, {name}", visible, label, base, full))
        in_agreement = policy.interactions_visible_to(user).filter(agreement=agreement).count()
        full = measure(listed(user, "zzqxv"), args.repeat)
        rows.append((f"one agreement's list, {name}", in_agreement, "a word found nowhere",
                     None, full))  # fmt: skip
    print("| search | summaries visible | asked | baseline ms (wall / CPU) | "
          "with decryption ms (wall / CPU) | µs per summary |")  # fmt: skip
    print("|---|---:|---|---:|---:|---:|")
    for what, visible, label, base, full in rows:
        base_text = f"{base[0]:.0f} / {base[1]:.0f}" if base else "—"
        extra = full[1] - (base[1] if base else 0)
        per = f"{extra * 1000 / visible:.0f}" if visible and label.endswith("nowhere") else "—"
        print(f"| {what} | {visible} | {label} | {base_text} | "
              f"{full[0]:.0f} / {full[1]:.0f} | {per} |")  # fmt: skip


if __name__ == "__main__":
    main()
