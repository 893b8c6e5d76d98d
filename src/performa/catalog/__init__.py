"""Catalogues shipped as data: missions/programmes, DPR 254 functions, indicator types, units,
and the nationally coded indicators (Unioncamere common objectives, economic health, DFP)."""
