# nbgrader course configuration for Python Internals Lab. The course directory is this folder:
# source/<assignment>/ holds the instructor versions (solutions and hidden tests), release/ the
# generated student versions (`make assignments`), submitted/ and autograded/ what nbgrader
# collects and grades. See book/instructors.md.
c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.root = __file__.rsplit("/", 1)[0]
c.CourseDirectory.course_id = "python-internals-lab"
# Autograding never depends on timing; a generous per-cell limit only stops a runaway loop.
c.ExecutePreprocessor.timeout = 120
# A cell that outlives the timeout and swallows the interrupt (an endless loop in a bare
# `except:`) would otherwise fail the whole notebook: skip that cell and grade the rest.
c.Execute.raise_on_iopub_timeout = False
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
