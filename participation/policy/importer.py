"""Import policy actions from a CSV file: all rows or none.

The file has a header row with the columns ``code, priority, title_nl, title_en,
summary_nl, summary_en, status, progress, feedback_open`` (in any order). Each row
fully describes one action: it is created when its code is new and updated otherwise.
A file with one bad row changes nothing (the rows are written in batches in one
transaction that the caller rolls back); bad rows are counted and the first
``MAX_REPORTED_PROBLEMS`` problems are reported with their line number (the header is
line 1).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from typing import TextIO

import sqlalchemy as sa
from flask_babel import gettext as _

from participation.extensions import db
from participation.policy.models import ActionStatus, PolicyAction, Priority

COLUMNS = (
    "code",
    "priority",
    "title_nl",
    "title_en",
    "summary_nl",
    "summary_en",
    "status",
    "progress",
    "feedback_open",
)
CODE_PATTERN = re.compile(r"^[A-Z]{1,4}\d{1,4}$")
CODE_MAX_LENGTH = 12
TITLE_MAX_LENGTH = 200
TRUE_WORDS = {"yes", "true", "1", "ja"}
FALSE_WORDS = {"no", "false", "0", "nee"}
BOM = "\ufeff"


@dataclass
class RowError:
    """One problem in the file, on a 1-based line (the header is line 1)."""

    line: int
    message: str


#: Rows written per batch: memory stays flat and no statement nears the parameter limit.
BATCH_SIZE = 1000
#: Problems kept (and reported) at most; the rest are only counted.
MAX_REPORTED_PROBLEMS = 100


@dataclass
class ImportResult:
    """What an import did, or why it did nothing."""

    created: int = 0
    updated: int = 0
    #: The first ``MAX_REPORTED_PROBLEMS`` problems, in file order.
    errors: list[RowError] = field(default_factory=list)
    #: Rows with at least one problem (the header counts as a row).
    bad_rows: int = 0
    #: Every problem found, reported or not.
    problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add_problems(self, line: int, messages: list[str]) -> None:
        """Record the problems of one row."""
        if not messages:
            return
        self.bad_rows += 1
        self.problems += len(messages)
        room = MAX_REPORTED_PROBLEMS - len(self.errors)
        self.errors.extend(RowError(line, message) for message in messages[:max(room, 0)])


@dataclass
class _ActionRow:
    """A validated row, ready to be written."""

    code: str
    priority: Priority
    values: dict


def import_actions_csv(stream: TextIO) -> ImportResult:
    """Create or update policy actions from CSV text; leave nothing to commit if a row is bad.

    The file is read row by row and written in batches of ``BATCH_SIZE`` inside the caller's
    transaction, so any size fits in flat memory. Once a row is bad nothing more is written
    and the caller must roll back (the CLI does): a file with a bad row changes nothing.
    """
    result = ImportResult()
    reader = csv.reader(_without_bom(stream), strict=True)
    try:
        header = next(reader, None)
    except UnicodeDecodeError:
        result.add_problems(1, [_("The file is not UTF-8 text.")])
        return result
    except csv.Error as exc:
        result.add_problems(1, [_("The header row cannot be read: %(reason)s", reason=str(exc))])
        return result
    if header is None or not any(cell.strip() for cell in header):
        result.add_problems(1, [_(
            "The file is empty: expected a header row with the columns %(columns)s.",
            columns=", ".join(COLUMNS),
        )])
        return result
    header = [name.strip().lower() for name in header]
    result.add_problems(1, _check_header(header))
    if not result.ok:
        return result

    priorities = {p.slug: p for p in db.session.scalars(sa.select(Priority))}
    batch: list[_ActionRow] = []
    first_line_of_code: dict[str, int] = {}
    end_of_previous = reader.line_num
    while True:
        line = end_of_previous + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except UnicodeDecodeError:
            result.add_problems(line, [_("The file is not UTF-8 text.")])
            break
        except csv.Error as exc:
            result.add_problems(line, [_("The row cannot be read: %(reason)s", reason=str(exc))])
            break
        end_of_previous = reader.line_num
        if not cells or all(not cell.strip() for cell in cells):
            continue  # blank lines are allowed, e.g. at the end of the file
        if len(cells) != len(header):
            result.add_problems(line, [_(
                "The row has %(found)d fields; expected %(expected)d, "
                "one for each column of the header.",
                found=len(cells),
                expected=len(header),
            )])
            continue
        record = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        messages, row = _validate(record, priorities)
        code = record["code"].upper()
        if code in first_line_of_code:
            messages.append(_(
                "code: %(code)s already appears on line %(line)d.",
                code=code,
                line=first_line_of_code[code],
            ))
        elif code and not messages:
            # Only good rows are remembered: a file of bad rows keeps memory flat.
            first_line_of_code[code] = line
        result.add_problems(line, messages)
        if result.ok and row is not None:
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                _write(batch, result)
                batch = []
    if result.ok:
        _write(batch, result)
    return result


def _without_bom(stream: TextIO):
    """Yield the lines of the stream without a leading byte order mark."""
    first = True
    for text in stream:
        if first and text.startswith(BOM):
            text = text[len(BOM):]
        first = False
        yield text


def _check_header(header: list[str]) -> list[str]:
    """Return what is wrong with the header row."""
    messages = []
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        messages.append(
            _("The header misses the column(s): %(columns)s.", columns=", ".join(missing))
        )
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        messages.append(
            _(
                "The header has unknown column(s): %(columns)s. Expected: %(expected)s.",
                columns=", ".join(unknown) or '""',
                expected=", ".join(COLUMNS),
            )
        )
    repeated = sorted({name for name in header if header.count(name) > 1 and name in COLUMNS})
    if repeated:
        messages.append(
            _("The header repeats the column(s): %(columns)s.", columns=", ".join(repeated))
        )
    return messages


def _validate(
    record: dict[str, str], priorities: dict[str, Priority]
) -> tuple[list[str], _ActionRow | None]:
    """Check one row; return its error messages, or no messages and the row to write."""
    messages: list[str] = []

    code = record["code"].upper()
    if not code:
        messages.append(_("code: a code is required."))
    elif len(code) > CODE_MAX_LENGTH:
        messages.append(
            _("code: %(code)s is longer than %(max)d characters.", code=code, max=CODE_MAX_LENGTH)
        )
    elif not CODE_PATTERN.match(code):
        messages.append(
            _(
                "code: %(code)s is not a valid code; use 1 to 4 letters followed by "
                "1 to 4 digits, such as A07 or GD03.",
                code=code,
            )
        )

    priority = None
    slug = record["priority"]
    if not slug:
        messages.append(_("priority: a priority slug is required."))
    else:
        priority = priorities.get(slug) or priorities.get(slug.lower())
        if priority is None:
            messages.append(_("priority: there is no priority with slug %(slug)s.", slug=slug))

    for column in ("title_nl", "title_en"):
        if len(record[column]) > TITLE_MAX_LENGTH:
            messages.append(
                _(
                    "%(column)s: the title is longer than %(max)d characters.",
                    column=column,
                    max=TITLE_MAX_LENGTH,
                )
            )
    if not record["title_nl"]:
        messages.append(_("title_nl: a Dutch title is required."))

    status = ActionStatus.PLANNED
    if record["status"]:
        try:
            status = ActionStatus(record["status"].lower())
        except ValueError:
            messages.append(
                _(
                    "status: %(value)s is not one of %(allowed)s.",
                    value=record["status"],
                    allowed=", ".join(s.value for s in ActionStatus),
                )
            )

    progress = 100 if status == ActionStatus.DONE else 0
    if record["progress"]:
        try:
            progress = int(record["progress"].rstrip("%").strip())
        except ValueError:
            messages.append(
                _("progress: %(value)s is not a whole number.", value=record["progress"])
            )
        else:
            if not 0 <= progress <= 100:
                messages.append(_("progress: %(value)d is not between 0 and 100.", value=progress))

    feedback_open = True
    word = record["feedback_open"].lower()
    if word in FALSE_WORDS:
        feedback_open = False
    elif word and word not in TRUE_WORDS:
        messages.append(
            _(
                "feedback_open: %(value)s is not yes, no, true, false, 1 or 0.",
                value=record["feedback_open"],
            )
        )

    if messages:
        return messages, None
    values = {
        "title_nl": record["title_nl"],
        "title_en": record["title_en"] or None,
        "summary_nl": record["summary_nl"],
        "summary_en": record["summary_en"] or None,
        "status": status,
        "progress": progress,
        "feedback_open": feedback_open,
    }
    return messages, _ActionRow(code, priority, values)


def _write(rows: list[_ActionRow], result: ImportResult) -> None:
    """Create or update the actions of one batch of validated rows, flush, forget them."""
    if not rows:
        return
    query = sa.select(PolicyAction).where(PolicyAction.code.in_([row.code for row in rows]))
    existing = {action.code: action for action in db.session.scalars(query)}
    new = []
    for row in rows:
        action = existing.get(row.code)
        if action is None:
            new.append({"code": row.code, "priority_id": row.priority.id, **row.values})
            continue
        changed = {name: v for name, v in row.values.items() if getattr(action, name) != v}
        if action.priority_id != row.priority.id:
            changed["priority_id"] = row.priority.id
        if changed:
            for name, value in changed.items():
                setattr(action, name, value)
            result.updated += 1
    if new:
        # One multi-row INSERT per batch; the actions need not live in the session.
        db.session.execute(sa.insert(PolicyAction), new)
        result.created += len(new)
    db.session.flush()
    for action in existing.values():
        db.session.expunge(action)
