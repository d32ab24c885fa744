"""Exports of a reader's annotations, one module per format, and the JSON import that reverses one.

`collect` reads the database into the plain records of `records`; every format module is a pure
function of those records, so each can be tested and benchmarked without a request.
"""
