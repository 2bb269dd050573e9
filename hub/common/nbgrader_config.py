"""The exchange every account of the course shares (nbgrader's filesystem exchange).

Both roles' Jupyter read this file (nbgrader reads `nbgrader_config.py` from every folder on
JUPYTER_CONFIG_PATH; hub/jupyterhub_config.py puts this one there): the instructor releases
and collects there, students fetch and submit there. The root is TENSOR_GEARS_EXCHANGE (set by
the hub's spawner; tests point it at a scratch exchange), by default /srv/nbgrader/exchange;
hub/exchange.sh creates it, writable by everyone as nbgrader requires, and sticky.

Three of nbgrader's steps are replaced by the course's hardened ones (tensor_gears/exchange/):
the release makes the inbound sticky (no student can rename or remove another's submission);
a submission is readable only by its student and the instructor's group; collect takes a
submission only from the account whose name it carries, and only its plain files.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "tensor-gears"
c.Exchange.root = os.environ.get("TENSOR_GEARS_EXCHANGE", "/srv/nbgrader/exchange")

c.ExchangeFactory.release_assignment = "tensor_gears.exchange.release_assignment.ExchangeReleaseAssignment"
c.ExchangeFactory.submit = "tensor_gears.exchange.submit.ExchangeSubmit"
c.ExchangeFactory.collect = "tensor_gears.exchange.collect.ExchangeCollect"
