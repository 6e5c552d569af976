"""Official slips of a dossier (docs/design.md §8): Django template → HTML → PDF with WeasyPrint.

The forms are those of Circular 03/2025/TT-VPCP, Annex I, laid out after the annex of
Circular 01/2018/TT-VPCP: 01 receipt and appointment, 02 supplement request, 03 refusal,
05 stop notice, 06 process control slip. Form 04, the apology letter, is built by
``apologies.documents`` on the same machinery (base template, fonts, ``core.pdf``).

- ``catalogue``: the forms, which a dossier has, which transition issues which;
- ``wording``: the Vietnamese of dates, issuing bodies, places and numbers;
- ``contexts``: one context builder per form (``slip_context``);
- ``render``: template → HTML → PDF, the kept PDF, the download.

A slip's number is assigned by the transition that issues it (``dossiers.numbering``); the
context builders read it, so building or rendering a page writes nothing.
"""
