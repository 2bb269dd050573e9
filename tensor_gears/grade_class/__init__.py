"""`tensor-gears grade`: grade a whole class in parallel, on this machine or a Dask cluster.

The command (scheduler side) reads each submission as nbgrader's autograde prepares it,
hands it to a worker as plain data (`worker.grade_submission`, the grading core), and
records each report through nbgrader (`nbgrader_glue.course`): workers need no course
folder and no gradebook, and the gradebook has one writer.
"""
