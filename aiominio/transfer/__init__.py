"""The transfer engine: how object bodies move between a caller and the server.

The operations in :mod:`aiominio.ops` build requests and read answers; the modules here carry the
bytes of the large ones: an upload in parts, a download that resumes where it broke off, a
download to a file in concurrent ranges, the checks that prove a body arrived whole.

==============  ================================================================================
sources         upload bodies made from what callers have (bytes, files, readers, iterators)
integrity       the checksum headers that let the server verify a body, and the check of its answer
uploads         ``put_object``: one PUT, or a multipart upload with bounded memory
multipart       create, fill, complete and abort multipart uploads
reader          :class:`~aiominio.ObjectReader`, a streamed download that resumes where it broke off
jobs            job values: what every step of one transfer needs, gathered once
partial         the partial file of a download: created or resumed without following anything
ranged          a download to a file in ranges fetched at once, resumed from its record
files           ``fget_object`` and ``fput_object``: resumable downloads to and uploads from files
trees           the trees of a directory transfer: a local directory walked, a prefix listed
directories     ``upload_dir``, ``download_dir``, ``sync``: a tree's files under one request budget
coalesced       ``get_ranges``: many ranges of one object in few ranged GETs
==============  ================================================================================
"""
