"""Text folding for search that ignores Vietnamese diacritics and case."""

import unicodedata


def fold(text: str) -> str:
    """'Đăng ký KHAI SINH' → 'dang ky khai sinh'."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
