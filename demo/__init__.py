"""The demo data, which spans every app: the demo province and its people (``province``),
the procedure catalogue (``catalogue``, ``catalogue.json``) and the demo dossiers
(``dossiers``), loaded by ``manage.py load_demo`` and listed by ``manage.py demo_logins``.

It sits above the apps it fills (docs/architecture.md): nothing below imports it. The real
administrative units are not demo data (``agencies``' ``load_units``).
"""
