"""What the public may see of a dossier: no personal data beyond a masked name."""


def mask_name(full_name: str) -> str:
    """'Nguyễn Thị Ánh' → 'Nguyễn T** Á**': the family name and initials only."""
    words = full_name.split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{w[0]}**" for w in words[1:])])
