"""The planning editor: versions, amendment and adoption, the draft's tree, cards, formulas.

Only the planning office (and administrators) come here; every member may compare adopted
versions. An adopted plan is frozen: it is shown read-only and changed by starting an
amendment, a draft copied from it, which is edited and then adopted by resolution. The pages
parse the request and call one action (``plans.actions``, ``plans.editing``) for each change.

One module per page: ``versions``, ``compare``, ``tree`` (the draft's tree and its nodes),
``cards`` (a card's indicator table), ``formula`` (the formula check); ``forms`` and
``base`` hold what they share.
"""
