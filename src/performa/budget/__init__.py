"""The budget of a body: the preventivo economico and the other tables of the bilancio, by year.

A series of amounts per body (scheme, item, optional function A-D and cost centre, year, kind)
and the financial-health indices computed from it with the engine's formulas
(``performa.engine.budget``). ``document`` holds the plain form that the readers of
``performa.interchange`` give and ``store`` saves; ``reading`` is what pages, API and documents
read.
"""
