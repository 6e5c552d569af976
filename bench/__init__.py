"""The benchmark of docs/design.md §12 (``python manage.py bench``).

``generate`` fills a database of its own with N dossiers spread over a province the way
real traffic is; ``measure`` runs P1–P6, each beside a bare reference measured in the same
invocation (``bare``); ``report`` writes the results under ``bench/results/``.
"""
