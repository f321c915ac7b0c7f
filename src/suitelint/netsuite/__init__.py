"""Reading a live NetSuite account over the REST API (SuiteQL).

* :mod:`suitelint.netsuite.auth` — credentials (from the environment or files only) and
  the two ways to sign requests: token-based authentication (OAuth 1.0a, HMAC-SHA256)
  and OAuth 2.0 client credentials (a JWT assertion signed with a certificate key);
* :mod:`suitelint.netsuite.client` — the SuiteQL transport: paging, retries, timeouts,
  errors that say what is missing;
* :mod:`suitelint.netsuite.export` — the queries, run with bounded concurrency, and
  their rows turned into a :class:`suitelint.model.Snapshot`.

NetSuite facts cite ``../shared/netsuite/suiteql-and-rest.md`` (section numbers) and the
Oracle help pages named there.
"""
