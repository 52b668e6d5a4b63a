"""CUCM service layer: the only code in ctibot that talks to CUCM.

Entry point: ``bot.cucm.cluster.CucmCluster`` (built from ``endpoint.ClusterEndpoint``) with
``.axl``, ``.controlcenter``, ``.ris`` and ``.perfmon``. Callers get the dataclasses of
``models`` and the errors of ``errors``; service parameters resolve through ``params``.
Submodules are imported explicitly so that importing the errors or models stays cheap.
"""
