"""What the tests of the bucket rule documents (lifecycle, bucket encryption, CORS, replication)
share: the S3 namespace attribute, documents written over several lines, XML text to generate."""

from __future__ import annotations

from hypothesis import strategies as st

NS = ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'

#: Text an XML document can carry: no control characters, surrogates or unassigned code points.
XML_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), min_size=1, max_size=20)


def compact(xml: str) -> bytes:
    """The document written over several lines, without the indentation between elements."""
    return "".join(line.strip() for line in xml.splitlines()).encode()
