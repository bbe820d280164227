"""A small reportable module that lives only in the test suite: it proves the reporting engine
before (and independently of) the real record modules."""
