"""A new nbgrader gradebook on a SQLite file, fast: nbgrader stamps a new gradebook with the head of its
migrations by running the `alembic` command (a second or more); here the stamp is read from nbgrader's
own migration scripts and written first, and nbgrader's Gradebook creates its tables as usual, once: each
new gradebook is a copy of that one (creating the tables costs a fraction of a second of disk syncs)."""

import re
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.dbutil import ALEMBIC_DIR


@cache
def alembic_head() -> str:
    """The revision no other migration of nbgrader's revises (what `alembic heads` prints)."""
    revised, revisions = set(), set()
    for script in (Path(ALEMBIC_DIR) / "versions").glob("*.py"):
        text = script.read_text()
        revisions.add(re.search(r"^revision = '(\w+)'", text, re.M)[1])
        revised.update(re.findall(r"^down_revision = '(\w+)'", text, re.M))
    [head] = revisions - revised
    return head


FOLDER = tempfile.TemporaryDirectory(prefix="tg-unit-gradebook-")  # removed when the tests end


@cache
def blank() -> Path:
    """An empty gradebook, made once."""
    path = Path(FOLDER.name) / "gradebook.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        db.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (alembic_head(),))
    Gradebook(f"sqlite:///{path}").close()
    return path


def new_gradebook(path: Path) -> str:
    """A gradebook at `path` with nbgrader's tables and nothing in them; returns its URL."""
    shutil.copyfile(blank(), path)
    return f"sqlite:///{path}"
