"""Measuring: periods, values by office, computed results, deviations, resource use."""
