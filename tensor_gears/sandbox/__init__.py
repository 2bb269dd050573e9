"""The untrusted side of grading: the box, and the processes that run student code in it.

inside/     the box's own code, bound into it read-only (never imports the grader's package):
            harness.py (a check child), forkserver.py (a template), protocol.py (both sides' framing)
box.py      the box: bubblewrap, its mounts and users
launch.py   how a check child is started: command line, environment, resource limits
process.py  the parent's handle on one check child: requests, time limits, CPU time, cleanup
templates.py, kernel.py, cgroups.py, scratch.py: templates, the sandboxed kernel, cgroups, scratch folders
"""
