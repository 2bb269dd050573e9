"""The exchange every account of the hub shares (nbgrader's filesystem exchange), for several
courses: nbgrader reads `nbgrader_config.py` from every folder on JUPYTER_CONFIG_PATH, and the
hub's spawner puts this one there for the students' servers and the graders' alike.

- The root is TENSOR_GEARS_EXCHANGE (set by the hub; tests point it at a scratch exchange), by
  default /srv/nbgrader/exchange; the set-up (hub/courses.py) makes it and each course's folders.
- Several courses: `path_includes_course` (a student fetches into ./<course>/<assignment>); on
  the hub, people's servers also use nbgrader's JupyterHubAuthPlugin (hub/student/).
- No course id here: a grader's server sets its own (hub/grader/); students pick a course in
  the assignment list, or with --course on the command line.
- Every step is the course's (tensor_gears/exchange/): the root need only be searchable; a
  submission is private to its student and the grader from its first moment; collect takes a
  submission only from the account whose name it carries, only its plain files, at the time
  its files were written; each feedback page is readable by its student alone.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

c.Exchange.root = os.environ.get("TENSOR_GEARS_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True

STEPS = "tensor_gears.exchange"
c.ExchangeFactory.release_assignment = f"{STEPS}.release_assignment.ExchangeReleaseAssignment"
c.ExchangeFactory.submit = f"{STEPS}.submit.ExchangeSubmit"
c.ExchangeFactory.collect = f"{STEPS}.collect.ExchangeCollect"
c.ExchangeFactory.release_feedback = f"{STEPS}.release_feedback.ExchangeReleaseFeedback"
c.ExchangeFactory.list = f"{STEPS}.student_steps.ExchangeList"
c.ExchangeFactory.fetch_assignment = f"{STEPS}.student_steps.ExchangeFetchAssignment"
c.ExchangeFactory.fetch_feedback = f"{STEPS}.student_steps.ExchangeFetchFeedback"
