"""Validate in the students' JupyterLab, each failure led by its error.

nbgrader's Validate dialog (its labextension) shows, for each failed cell, the cell's whole
source and then its traceback. Neither nbgrader's `Validator` nor the labextension has an
option for that (the labextension's settings schema is empty, and the handler builds its
`Validator` itself), so the students' server loads this extension instead of nbgrader's
`validate_assignment`: nbgrader's own handler, Validator and configuration at the same URLs,
with its answer reshaped. Where the dialog prints the source it now prints the error (the
exception and its message) and the first lines of the cell; the traceback follows, wrapped
at spaces.
"""

import re

from nbconvert.filters import strip_ansi
from nbgrader.server_extensions.validate_assignment import handlers

CELL_LINES = 3  # lines of the failed cell shown under its error
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b.*$", re.MULTILINE)


def error_first(raw_error: str, source: str) -> str:
    """What the dialog shows above the traceback: the exception and its message, then where."""
    error = strip_ansi(raw_error).rstrip()
    found = list(EXCEPTION_LINE.finditer(error))
    message = error[found[-1].start():] if found else (error.splitlines() or ["(no error message)"])[-1]
    lines = source.splitlines()
    shown = "\n".join(f"    {line}" for line in lines[:CELL_LINES]) + ("\n    ..." if len(lines) > CELL_LINES else "")
    return f"{message}\n\nin the cell that begins:\n{shown}"


class ErrorFirstValidateHandler(handlers.ValidateAssignmentHandler):
    """nbgrader's Validate, its failures reshaped for the dialog (see the module's docstring)."""

    def validate_notebook(self, path):
        reply = super().validate_notebook(path)
        if reply.get("success") and isinstance(reply.get("value"), dict):
            for cell in reply["value"].get("failed", []):
                cell["source"] = error_first(cell["raw_error"], cell["source"])
                cell["error"] = f'<span style="white-space: pre-wrap">{cell["error"]}</span>'
        return reply


def _jupyter_server_extension_points():
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp):
    serverapp.log.info("Loading tensor-gears' Validate (nbgrader's, each failure led by its error)")
    webapp = serverapp.web_app
    webapp.settings["root_dir"] = serverapp.root_dir
    routes = {"/assignments/validate": ErrorFirstValidateHandler, "/nbgrader_version": handlers.NbGraderVersionHandler}
    webapp.add_handlers(".*$", [(handlers.ujoin(webapp.settings["base_url"], route), handler)
                                for route, handler in routes.items()])

