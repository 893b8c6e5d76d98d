"""The plan: bodies, organisation, cycles, versions, the performance tree and indicators."""
