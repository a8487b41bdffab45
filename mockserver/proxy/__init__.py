"""``mockserver proxy``: a reverse proxy in front of a real deployment that checks every exchange against the spec of
one version of an API pack and reports what does not conform (``spec_check``, ``report``, ``render``), changing
nothing in transit (``forward``, ``exchange``); ``mockserver record`` (the same proxy, every exchange recorded into a
HAR file: ``recording``) and ``mockserver replay`` (a recording sent to another deployment, the answers compared:
``replay``)."""
