"""Edit labels (archive.changes): each kind, and what is not an edit at all."""

from __future__ import annotations

import dataclasses

import pytest

from archive import Article, Attribution
from archive.changes import compare, is_note, quotations, same_content, stable_line

LEDE = "The storm hit the coast on Monday, killing two people and cutting power to thousands."
BODY = [
    LEDE,
    "Emergency crews worked through the night to clear roads blocked by fallen trees "
    "and debris across the region.",
    "“We have never seen anything like it in this town,” the mayor told reporters.",
    "Forecasters expect more rain later in the week, with flood warnings in place for "
    "three rivers.",
]
T0, T1 = "2026-03-02T10:00:00+00:00", "2026-03-02T14:00:00+00:00"


def _credit(source: str, passage: str = BODY[1]) -> Attribution:
    return Attribution(source=source, passage=passage, start=0, end=len(passage), position=0,
                       pattern="originally_published")


def _article(paragraphs: list[str] | None = None, **fields: object) -> Article:
    values: dict[str, object] = {
        "title": "Storm hits coast", "body": "\n\n".join(paragraphs or BODY),
        "authors": ("Ann Lee",), "published": "2026-03-02T09:00:00+00:00",
        "description": "A storm hit the coast."}
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def _kinds(old: Article, new: Article) -> set[str]:
    return set(compare(old, new, old_at=T0, new_at=T1).kinds)


def _with(index: int, text: str | None, insert: bool = False) -> list[str]:
    out = list(BODY)
    if insert:
        out.insert(index, text or "")
    elif text is None:
        del out[index]
    else:
        out[index] = text
    return out


ADDED = ("Officials said further details would be released later in the week after a "
         "review of the damage by insurers.")


@pytest.mark.parametrize(("new", "kinds"), [
    (_article(title="Storm hits coast, killing two"), {"headline"}),
    (_article(_with(0, LEDE.replace("Monday", "Sunday"))), {"standfirst", "silent-edit"}),
    (_article(_with(2, ADDED, insert=True)), {"body-expanded", "silent-edit"}),
    (_article(_with(1, None)), {"body-cut", "silent-edit"}),
    (_article(_with(4, "Correction: An earlier version of this article misstated the "
                       "number of rivers.", insert=True)), {"correction"}),
    (_article(_with(0, "Update, 3:45 p.m.: Police said two more people were missing.",
                    insert=True)), {"update"}),
    (_article(_with(3, "“Stay indoors until the warnings are lifted,” a police spokesperson "
                       "said on Monday.", insert=True)),
     {"quote-added", "body-expanded", "silent-edit"}),
    (_article(_with(2, "The mayor said the town had never seen anything like it before "
                       "today.")), {"quote-removed", "silent-edit"}),
    (_article(_with(2, "“We have never seen anything quite like it in this town,” the mayor "
                       "told reporters.")), {"quote-reworded", "silent-edit"}),
    (_article(authors=("Ann Lee", "Bo Chen")), {"byline"}),
    (_article(published="2026-03-01T09:00:00+00:00"), {"published"}),
    (_article(_with(2, ADDED, insert=True), modified="2026-03-02T12:00:00+00:00"),
     {"body-expanded", "modified"}),
    (_article(attributions=(_credit("Reuters"),)), {"attribution-added", "silent-edit"}),
])
def test_each_kind_of_edit(new: Article, kinds: set[str]) -> None:
    assert _kinds(_article(), new) == kinds


def test_attributions_removed_and_changed() -> None:
    credited = _article(attributions=(_credit("Reuters"),))
    assert _kinds(credited, _article()) == {"attribution-removed", "silent-edit"}
    assert _kinds(credited, _article(attributions=(_credit("AP"),))) == \
        {"attribution-changed", "silent-edit"}
    moved = dataclasses.replace(_credit("Reuters"), url="https://reuters.example/a?cb=123")
    relinked = dataclasses.replace(_credit("Reuters"), url="https://reuters.example/a?cb=456")
    assert same_content(_article(attributions=(moved,)), _article(attributions=(relinked,)))


def test_a_moved_paragraph_is_not_expanded_or_cut() -> None:
    moved = [BODY[0], BODY[3], BODY[1], BODY[2]]
    assert _kinds(_article(), _article(moved)) == {"silent-edit"}


def test_labels_say_what_changed() -> None:
    result = compare(_article(), _article(title="Storm hits coast, killing two"))
    assert result.labels[0].detail == "Storm hits coast → Storm hits coast, killing two"


@pytest.mark.parametrize("volatile", [
    ["Updated 28 minutes ago", "Updated 3 minutes ago"],
    ["874 comments 51,494 views", "901 comments 52,110 views"],
    ["Tuesday, 14 May 2025, 10:32:07 GMT", "Wednesday, 15 May 2025, 09:01:55 GMT"],
    ["Last updated: May 14, 2025 10:32 am ET", "Last updated: May 15, 2025 8:02 pm ET"],
])
def test_what_changes_on_every_load_is_no_edit(volatile: list[str]) -> None:
    old = _article([volatile[0], *BODY])
    new = _article([volatile[1], *BODY])
    assert same_content(old, new, old_at=T0, new_at=T1)
    assert compare(old, new).labels == ()


def test_bylines_that_come_and_go_are_no_edit() -> None:
    assert same_content(_article(), _article(["By Ann Lee | 5 minutes ago", *BODY]))


def test_short_lines_keep_their_numbers() -> None:
    assert stable_line("The vote was 52 to 48.") == "The vote was 52 to 48."
    assert not same_content(_article([*BODY, "The vote was 52 to 48."]),
                            _article([*BODY, "The vote was 51 to 49."]))


def test_dates_alone_make_no_new_version() -> None:
    assert same_content(_article(), _article(modified="2026-03-02T12:00:00+00:00"))


def test_clock_dates_are_no_edit() -> None:
    # a masthead date read as the publication date: the capture's own day each time
    old = _article(published="2026-03-02")
    new = _article(published="2026-03-05")
    assert same_content(old, new, old_at=T0, new_at="2026-03-05T08:00:00+00:00")
    assert not same_content(old, new, old_at=T0, new_at="2026-03-06T08:00:00+00:00")
    # a render-time dateModified: the capture's own time, so no "new modified date"
    edited = _with(2, ADDED, insert=True)
    stamped = compare(_article(modified=T0), _article(edited, modified=T1), old_at=T0,
                      new_at=T1)
    assert set(stamped.kinds) == {"body-expanded", "silent-edit"}


@pytest.mark.parametrize(("line", "kind"), [
    ("Correction: An earlier version of this article misstated the date.", "correction"),
    ("An earlier version of this story incorrectly named the agency.", "correction"),
    ("UPDATE, 3:45 p.m.: Police said two men were arrested.", "update"),
    ("This story has been updated with comment from the mayor.", "update"),
    ("Editor's note: this article was corrected to fix a name.", "correction"),
    ("Corrections officers said the prisoner escaped on Monday.", None),
    ("Updated guidance from the health agency says masks still work.", None),
])
def test_notes(line: str, kind: str | None) -> None:
    assert is_note(line) == kind


def test_quotations() -> None:
    text = ("“We won’t go back,” she said. It was ‘a very big deal’, not \"fake news\". "
            "The students’ union said ‘no way at all’.")
    from archive.changes import normalize_text

    assert quotations([normalize_text(text)]) == ["we won't go back", "a very big deal",
                                                   "no way at all"]
