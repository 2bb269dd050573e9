"""The students' steps (list, fetch, fetch feedback): nbgrader's, on an exchange root that only
needs to be searchable (folders.py); what they may read is decided by the folders' modes."""

from nbgrader.exchange.default.fetch_assignment import ExchangeFetchAssignment as DefaultFetchAssignment
from nbgrader.exchange.default.fetch_feedback import ExchangeFetchFeedback as DefaultFetchFeedback
from nbgrader.exchange.default.list import ExchangeList as DefaultList

from .folders import AdministeredFolders


class ExchangeList(AdministeredFolders, DefaultList):
    """nbgrader's list: the assignments of the courses whose folders this account may enter."""


class ExchangeFetchAssignment(AdministeredFolders, DefaultFetchAssignment):
    """nbgrader's fetch."""


class ExchangeFetchFeedback(AdministeredFolders, DefaultFetchFeedback):
    """nbgrader's fetch of feedback: the pages this student may read."""
