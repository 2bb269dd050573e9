"""tensor-gears: autograded nbgrader exercises on tensor operations.

The flow, as the folders show it:
    source/ -> (nbgrader generate_assignment) -> release/ -> submitted/
            -> (nbgrader autograde, with this package's hidden checks) -> autograded/
            -> (nbgrader generate_feedback / export) -> feedback/, grades.csv
"""
