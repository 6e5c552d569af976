"""Signals the accounts app sends inside its transactions, for the apps above it to follow
(accounts never imports them)."""

from django.dispatch import Signal

# Sent inside the transaction in which ``user``'s ID number became verified, with
# ``released_ids``: the accounts that had typed the same number and lost it. The dossiers app
# moves the counter dossiers filed under that number to ``user`` (dossiers.signals).
national_id_verified = Signal()
