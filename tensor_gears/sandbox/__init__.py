"""The untrusted side of grading: a child process that runs a student's definitions.

harness.py  runs inside the child (never imports the grader's package)
launch.py   how the child is started: command line, environment, resource limits
process.py  the parent's handle on one child: requests, time limits, CPU time, cleanup
"""
