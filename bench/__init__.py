"""The performance benchmark (issue 7): run on demand with `make bench`, never by the tests."""
