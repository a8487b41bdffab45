"""``mockserver proxy``: a reverse proxy in front of a real deployment that checks every exchange against the spec of
one version of an API pack and reports what does not conform (``spec_check``, ``report``), changing nothing in
transit (``forward``)."""
