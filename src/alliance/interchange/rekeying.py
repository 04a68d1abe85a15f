"""Moving commitments stored under position keys to stable keys, once.

Earlier versions of the IATI importer keyed planned disbursements, result periods,
conditions (and, before them, transactions) by their position in the activity
(``pd/3``: the third planned disbursement). A republished activity that inserts, drops or
reorders one would then rewrite or mislabel the others. They are now keyed by the
standard's identifiers or by what they say. A project imported under position keys is
re-keyed the first time it is imported again: each stored commitment is found by what it
says, not by where it stood, and its link moves to the new key (nothing is created twice,
nothing is matched by position alone). The version recorded with the project then says
``KEYS``, and position keys are never read for it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from alliance.core.bulk import chunked
from alliance.interchange import organisations, services
from alliance.interchange.models import SourceIdentifier
from alliance.partnerships import models as pm

if TYPE_CHECKING:
    from alliance.interchange.report import ImportContext
    from alliance.interchange.standards import SourceCommitment, SourceProject

# How commitment keys are made, recorded with each imported version: 2 = by the source's
# identifier or by what the item says, never by its position.
KEYS = 2


def rekey(
    ctx: ImportContext,
    project: SourceProject,
    agreement: pm.Agreement,
    parties: dict[str, pm.Party],
    before: dict[str, Any],
) -> list[str]:
    """The commitment keys the imported version had, those stored under a position key
    and found again moved to their item's key (the links move too). Only for a project
    imported before ``KEYS`` (``before`` is what that import recorded, or nothing)."""
    had = list(before.get("commitments") or [])
    families = {_family(a) for item in project.commitments for a in item.aliases}
    if before.get("keys", 0) >= KEYS or not families:
        return had
    prefix = f"{project.key}/"
    scheme = f"{project.scheme}-commitment"
    stored = {
        key[len(prefix) :]: obj
        for key, obj in services.source_find_prefix(scheme, prefix, pm.Commitment).items()
    }
    current = {item.key for item in project.commitments}
    taken = {stored[k].pk for k in current if k in stored}
    old = {
        key: obj
        for key, obj in sorted(stored.items())
        if key not in current
        and _family(key) in families
        and obj.agreement_id == agreement.pk
        and obj.pk not in taken
    }
    if not old:
        return had
    prefetch_related_objects(list(old.values()), "owed_to")
    moved = _match([i for i in project.commitments if i.key not in stored], old, parties)
    services.source_rename(
        scheme, pm.Commitment, {f"{prefix}{o}": f"{prefix}{n}" for o, n in moved.items()}
    )
    if moved:
        ctx.report.note(
            _(
                "%(n)s commitments imported earlier under their position in the activity were"
                " found again by what they say, and kept."
            )
            % {"n": len(moved)},
            column=project.place,
        )
    # Without a recorded version (an import older than versions), what was stored under a
    # position key and not found again is what the source no longer has.
    return [moved.get(k, k) for k in had or old]


def _family(key: str) -> str:
    """``pd``, ``r``, ``c`` or ``t``: which kind of source element a key names."""
    return key.split("/", 1)[0]


def _match(
    waiting: list[SourceCommitment], old: dict[str, pm.Commitment], parties: dict[str, pm.Party]
) -> dict[str, str]:
    """``old key → new key`` for each stored commitment found again: first by everything
    it says (title, category, dates, who owes it to whom; the stored one at the item's old
    position first among equals), then — an amount or a title changed — at the item's old
    position if its category, due date and parties are the same."""
    claimed: set[int] = set()
    moved: dict[str, str] = {}
    rest = []
    for item in waiting:
        wanted = _said(item, parties)
        same = [
            k
            for k, c in old.items()
            if c.pk not in claimed and _family(k) == _family(item.key) and _stored(c) == wanted
        ]
        key = next((a for a in item.aliases if a in same), same[0] if same else None)
        if key is None:
            rest.append(item)
            continue
        claimed.add(old[key].pk)
        moved[key] = item.key
    for item in rest:
        wanted = _said(item, parties)
        for alias in item.aliases:
            found = old.get(alias)
            if found is None or found.pk in claimed or wanted is None:
                continue
            if _loose(_stored(found)) == _loose(wanted):
                claimed.add(found.pk)
                moved[alias] = item.key
                break
    return moved


def _loose(said: tuple[Any, ...]) -> tuple[Any, ...]:
    """Category, due date, owed by, owed to: what stays when an amount or title changes."""
    return said[:1] + said[3:]


def _said(item: SourceCommitment, parties: dict[str, pm.Party]) -> tuple[Any, ...] | None:
    """What an item would be stored as: (category, title, start, due, owed by, owed to)."""
    owed_by = parties.get(item.owed_by)
    if owed_by is None:
        return None
    owed_to = frozenset(parties[k].pk for k in item.owed_to if k in parties) or {owed_by.pk}
    start = item.start_on if item.start_on and item.start_on <= item.due_on else None
    title = item.title[:300] or _("(untitled)")
    return (item.category, title, start, item.due_on, owed_by.pk, frozenset(owed_to))


def _stored(commitment: pm.Commitment) -> tuple[Any, ...]:
    return (
        commitment.category,
        commitment.title,
        commitment.start_on,
        commitment.due_on,
        commitment.owed_by_id,
        frozenset(p.pk for p in commitment.owed_to.all()),
    )


# ----- an identifier added or removed by a newer version -----


def _identified(key: str) -> bool:
    """Whether a stored key names an element by the source's identifier (``t/ref/…``)."""
    return key.split("/", 2)[1:2] == ["ref"]


def rematch(ctx: ImportContext, projects: list[SourceProject], found: dict[Any, Any]) -> None:
    """Elements keyed by the source's identifier when they have one, else by what they say
    (IATI transactions: ``t/ref/<ref>``, else ``t/<type>/<date>/<hash>``), whose version
    now in the import gained or lost the identifier: each stored under the other kind of
    key, no longer in the source under it and saying the same (title with the amount and
    currency, category, dates, who owes it to whom) is the same element: its link moves to
    the new key, so it is updated rather than created again (and not ended as dropped).
    ``found`` is ``standards._imported``'s lookup of the batch, updated with the moves.
    Only projects imported before, and only items not found under their key, are looked
    at: an unchanged re-import costs nothing."""
    for project in projects:
        scheme = f"{project.scheme}-commitment"
        if (project.scheme, project.key) not in found and (
            "attached",
            f"{project.scheme}:{project.key}",
        ) not in found:
            continue
        waiting = [
            item
            for item in project.commitments
            if item.identified is not None and (scheme, f"{project.key}/{item.key}") not in found
        ]
        if waiting:
            _rematch_project(ctx, project, waiting, found)


def _rematch_project(
    ctx: ImportContext,
    project: SourceProject,
    waiting: list[SourceCommitment],
    found: dict[Any, Any],
) -> None:
    scheme = f"{project.scheme}-commitment"
    prefix = f"{project.key}/"
    current = {item.key for item in project.commitments}
    stored: dict[str, pm.Commitment] = {}
    for family in sorted({_family(item.key) for item in waiting}):
        for key, obj in services.source_find_prefix(
            scheme, f"{prefix}{family}/", pm.Commitment
        ).items():
            if key[len(prefix) :] not in current:
                stored[key[len(prefix) :]] = obj
    if not stored:
        return
    parties: dict[str, pm.Party] = {}
    missing = {}
    for key, source in project.parties.items():
        party = ctx.cache.get(("party", source.org)) or found.get(("org", source.org))
        if party is not None:
            parties[key] = party
        else:
            missing[key] = source
    earlier = named_before({s.org: s.name for s in missing.values()})
    parties.update({k: earlier[s.org] for k, s in missing.items() if s.org in earlier})
    prefetch_related_objects(list(stored.values()), "owed_to")
    said = {key: _stored(obj) for key, obj in stored.items()}
    claimed: set[str] = set()
    moved: dict[str, str] = {}
    for item in waiting:
        wanted = _said(item, parties)
        if wanted is None:
            continue
        key = next(
            (
                k
                for k in sorted(stored)
                if k not in claimed
                and _family(k) == _family(item.key)
                # a ref added or removed; or, keyed by what it says, an organisation it
                # names that gained or lost its identifier (two refs: two elements)
                and not (_identified(k) and item.identified)
                and said[k] == wanted
            ),
            None,
        )
        if key is None:
            continue
        claimed.add(key)
        moved[key] = item.key
        found[scheme, f"{prefix}{item.key}"] = stored[key]
        ctx.report.mapped(
            item.place.rsplit("/", 1)[-1].split("[", 1)[0],
            _("matched to the one imported before: its ref was added")
            if item.identified
            else _("matched to the one imported before: its ref was removed")
            if _identified(key)
            else _("matched to the one imported before: an organisation's identifier changed"),
        )
    if not moved:
        return
    services.source_rename(
        scheme, pm.Commitment, {f"{prefix}{o}": f"{prefix}{n}" for o, n in moved.items()}
    )
    ctx.report.note(
        _(
            "%(n)s elements imported earlier whose identifier (ref) was added or removed since"
            " were found again by what they say, and kept."
        )
        % {"n": len(moved)},
        column=project.place,
    )


def _linked_under(prefixes: list[str], content_type: int) -> list[tuple[str, Any]]:
    """``(identifier, object UUID)`` of the parties' ``org`` links whose identifier starts
    with one of ``prefixes``: one query per 500 prefixes, each a range the identifier's
    index answers (a join on a ``VALUES`` list: the same query as ``OR``-ing 500
    ``Q(identifier__gte=…, identifier__lt=…)``, without building them)."""
    table = connection.ops.quote_name(SourceIdentifier._meta.db_table)
    to_uuid = SourceIdentifier._meta.get_field("object_uuid").to_python
    found = []
    with connection.cursor() as cursor:
        for chunk in chunked(prefixes, 500):
            ranges = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"SELECT s.identifier, s.object_uuid FROM {table} s"
                f" JOIN (VALUES {ranges}) AS r ON s.identifier >= r.column1"
                " AND s.identifier < r.column2 WHERE s.scheme = %s AND s.content_type_id = %s",
                [v for prefix in chunk for v in (prefix, f"{prefix}\U0010ffff")]
                + ["org", content_type],
            )
            found.extend((identifier, to_uuid(uuid)) for identifier, uuid in cursor.fetchall())
    return found


def named_before(names: dict[str, str]) -> dict[str, pm.Party]:
    """Organisations named now with a valid identifier (``org → name``) that earlier
    imports knew only by their name (the publisher added the identifier since): ``org →``
    the party linked under that normalised name, in whatever country, when there is exactly
    one and no other valid identifier claims it (else it is another organisation of the
    same name). Set-based: a few queries for a whole batch."""
    wanted = {
        org: f"name:{organisations.normalised_name(name)}|"
        for org, name in names.items()
        if not org.startswith("name:")
    }
    if not wanted:
        return {}
    content_type = ContentType.objects.get_for_model(pm.Party)
    holders: dict[str, set[Any]] = {}
    for identifier, uuid in _linked_under(sorted(set(wanted.values())), content_type.pk):
        holders.setdefault(identifier.rsplit("|", 1)[0] + "|", set()).add(uuid)
    single = {prefix: next(iter(uuids)) for prefix, uuids in holders.items() if len(uuids) == 1}
    if not single:
        return {}
    claimed = set(
        SourceIdentifier.objects.filter(
            scheme="org", content_type=content_type, object_uuid__in=list(single.values())
        )
        .exclude(identifier__startswith="name:")
        .values_list("object_uuid", flat=True)
    )
    parties = {
        party.uuid: party
        for party in pm.Party.objects.filter(
            uuid__in=[u for u in single.values() if u not in claimed]
        )
    }
    return {
        org: parties[single[prefix]]
        for org, prefix in wanted.items()
        if prefix in single and single[prefix] in parties
    }
