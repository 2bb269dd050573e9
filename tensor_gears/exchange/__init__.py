"""The course's steps of nbgrader's exchange, for a machine shared by Unix accounts and courses
(hub/common/nbgrader_config.py plugs them in through nbgrader's ExchangeFactory):

- `folders`: the exchange's folders as the administrator's set-up makes them (hub/courses.py),
  and the checks every step makes of them;
- `release_assignment`, `release_feedback`, `collect`: the grader's steps; `times` is when a
  submission was written, by a clock the student cannot set; `acl` makes a page readable by
  one account;
- `submit`, `student_steps` (list, fetch, fetch feedback): the students' steps.
"""
