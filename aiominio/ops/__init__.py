"""The S3 operations, by responsibility: functions over a :class:`~aiominio.requester.Requester`.

The bodies of uploads and downloads are moved by the transfer engine, :mod:`aiominio.transfer`.

==============  ================================================================================
buckets         create, list, probe and remove buckets
listing         object listings, incomplete multipart uploads and their parts
objects         stat and remove objects
copy            server-side copy, in parts above 5 GiB
versions        bucket versioning and the listing of object versions
compose         ``compose_object``: a new object from ranges of others, copied server-side
attributes      GetObjectAttributes
bucketconfig    bucket policy and notification configuration
bucketrules     lifecycle, default encryption, CORS and replication configuration
tagging         object (and version) tags and bucket tags
presigning      presigned URLs and POST policies with the client's keys and the bucket's region
objectlock      a bucket's object lock configuration, a version's retention and legal hold
select          ``SelectResult``: the records of an S3 Select as they stream
listen          ``BucketEventStream``: MinIO's bucket events as they happen, reconnecting
==============  ================================================================================

:class:`~aiominio.Client` checks the arguments before it calls these.
"""
