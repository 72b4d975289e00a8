"""The methods of :class:`~aiominio.Client`, one group of operations per module.

Each method checks its arguments, calls the operation function of :mod:`aiominio.ops` that does
the work with the client's :class:`~aiominio.requester.Requester`, and returns the result.
:class:`~aiominio.Client` inherits them all; it adds the constructor and the lifecycle.
"""
