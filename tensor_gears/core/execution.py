"""Running a student's notebook in a sandboxed kernel, contained: a kernel that dies or
stops answering costs only the cells it could not run, and no cell's output can grow
without bound. `Containment` is shared with nbgrader's `Execute` (see nbgrader_glue)."""

from nbclient.exceptions import DeadKernelError
from nbconvert.preprocessors import ExecutePreprocessor
from nbformat.v4 import new_output
from traitlets import Integer
from traitlets.config import Configurable

from ..sandbox.kernel import SandboxedKernelManager
from ..submission import Submission

TIMEOUTS_BEFORE_STOPPING = 2
CELL_TIMEOUT = 30  # seconds, nbgrader's Execute default
OUTPUT_LIMIT = 1 << 20
REPORT_LIMIT = 8 << 20  # characters of output in all of one student's notebooks
KERNELS = 2  # notebooks of one student run at once by `tensor-gears grade`


def output_size(output) -> int:
    """Characters of one cell output (its text, or its data)."""
    return len(output.get("text", "")) + sum(len(str(value)) for value in output.get("data", {}).values()) + sum(
        len(line) for line in output.get("traceback", []))


def cap_outputs(notebooks: list, limit: int) -> bool:
    """Keep the first `limit` characters of output across `notebooks` (in order) and replace the
    outputs of every later cell by a note; returns whether anything was dropped."""
    used, dropped = 0, False
    for nb in notebooks:
        for cell in nb.cells:
            size = sum(output_size(output) for output in cell.get("outputs", []))
            used += size
            if used > limit and size:
                cell.outputs = [new_output("stream", name="stdout", text=(
                    f"[output dropped: your notebooks printed more than {limit} characters in all, "
                    "and the grader keeps only the first ones]\n"))]
                dropped = True
    return dropped


def imports_tensorflow(nb) -> bool:
    """Whether a code cell of `nb` (the course's own cells included) imports TensorFlow."""
    code = [(str(index), cell.source) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    return Submission.from_cells(code).imports("tensorflow")


def error_output(name: str, message: str):
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


class Containment(Configurable):
    """Mixed into an ExecutePreprocessor: the kernel in the sandbox, output capped per cell,
    and the run stopped (remaining cells marked not run) after a dead kernel or repeated
    timeouts."""

    output_limit = Integer(OUTPUT_LIMIT, help=(
        "Characters of output kept per cell; past them the kernel's output is dropped, with a "
        "note, before it can fill the grader's memory or the student's feedback.")).tag(config=True)
    report_limit = Integer(REPORT_LIMIT, help=(
        "Characters of output kept in all of one student's notebooks, in the report a worker of "
        "`tensor-gears grade` sends back; past them, later cells' outputs are replaced by a note "
        "(hidden-check results are kept).")).tag(config=True)
    kernels = Integer(KERNELS, min=1, help=(
        "Notebooks of one student that a worker of `tensor-gears grade` runs at once, each in a "
        "kernel of its own (the hidden checks run beside them). nbgrader autograde runs one.")).tag(config=True)

    def __init__(self, *args, tensorflow: bool | None = None, **kwargs):
        """`tensorflow`: whether the notebook imports TensorFlow, where the caller has read it
        already (None: read it from the notebook when the kernel starts)."""
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)
        self.imports_tensorflow = tensorflow
        self._output_used: dict[int, int] = {}
        self.stopped_because: str | None = None

    def create_kernel_manager(self):
        """nbclient's, telling the sandboxed manager whether the notebook imports TensorFlow (its
        kernel is then forked from a template that has it)."""
        if not issubclass(self.kernel_manager_class, SandboxedKernelManager):
            return super().create_kernel_manager()
        self.kernel_name = self.kernel_name or self.nb.metadata.get("kernelspec", {}).get("name", "")
        tensorflow = imports_tensorflow(self.nb) if self.imports_tensorflow is None else self.imports_tensorflow
        self.km = self.kernel_manager_class(config=self.config, tensorflow=tensorflow,
                                            **({"kernel_name": self.kernel_name} if self.kernel_name else {}))
        return self.km

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = output_size(content)
        used = self._output_used.get(cell_index, 0)
        self._output_used[cell_index] = used + size
        if used + size <= self.output_limit:
            return super().output(outs, msg, display_id, cell_index)
        if used <= self.output_limit:
            outs.append(new_output("stream", name="stdout",
                                   text=f"\n[output truncated: more than {self.output_limit} characters]\n"))
        return None

    def preprocess(self, nb, resources=None, km=None):
        self.stopped_because = None
        try:
            return super().preprocess(nb, resources, km)
        except Exception as error:  # the kernel could not start, or broke down between cells
            self.stop(f"the kernel stopped ({type(error).__name__}: {error})", resources)
            return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if self.stopped_because:
            if cell.cell_type == "code":
                cell.outputs = [error_output("NotRun", f"not run: {self.stopped_because}")]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError as error:
            cell.outputs.append(error_output("DeadKernelError", f"the kernel died while running this cell: {error}"))
            self.stop("the kernel died in an earlier cell (out of memory, or the code ended the process)", resources)
        else:
            timeouts = sum(out.get("ename") == "CellTimeoutError"
                           for c in self.nb.cells for out in c.get("outputs", []))
            if timeouts >= TIMEOUTS_BEFORE_STOPPING:
                self.stop(f"{timeouts} cells ran past the {self.timeout} s time limit", resources)
        return cell, resources

    def stop(self, reason: str, resources):
        who = (resources or {}).get("nbgrader", {})
        self.log.error("%s / %s: %s; the remaining cells are not run",
                       who.get("student", "?"), who.get("notebook", "?"), reason)
        self.stopped_because = reason


class ContainedExecution(Containment, ExecutePreprocessor):
    """nbconvert's executor with the settings of nbgrader's `Execute` (errors allowed, a
    timed-out cell interrupted and marked), contained."""

    def __init__(self, timeout: int = CELL_TIMEOUT, output_limit: int = OUTPUT_LIMIT, **kwargs):
        super().__init__(timeout=timeout, output_limit=output_limit, allow_errors=True, interrupt_on_timeout=True,
                         raise_on_iopub_timeout=True,
                         error_on_timeout={"ename": "CellTimeoutError", "evalue": "", "traceback": [
                             "\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"]},
                         **kwargs)

    def on_cell_executed(self, **kwargs):
        """As nbgrader does: an error reply that left no error output (a timeout) is shown."""
        cell, reply = kwargs["cell"], kwargs["execute_reply"]
        content = reply["content"]
        if content["status"] == "error" and not any(
                out.output_type == "error" and out.ename == content["ename"] for out in cell.outputs):
            cell.outputs.append(new_output("error", ename=content["ename"], evalue=content["evalue"],
                                           traceback=content["traceback"] or [
                                               "ERROR: An error occurred while showtraceback was disabled"]))
