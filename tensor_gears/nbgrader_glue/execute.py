"""nbgrader's `Execute`, with the kernel in the sandbox and a breakdown contained."""

from nbgrader.preprocessors import Execute

from ..core.execution import Containment
from ..sandbox import limits


class ContainedExecute(Containment, Execute):
    """A dead or stuck kernel stops this notebook's run, nothing more (see core.execution); the
    kernel's box has the course's limits (BoxLimits)."""

    def preprocess(self, nb, resources=None, km=None):
        limits.use(limits.BoxLimits(config=self.config).limits())
        return super().preprocess(nb, resources, km)
