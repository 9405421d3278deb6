"""A minimal valid PDF of text lines, written by hand (no PDF library is a dependency).

One Helvetica font, 50 lines a page, WinAnsi (Latin-1) text: characters outside Latin-1 are
replaced, since the standard fonts cannot show them.
"""

from __future__ import annotations

LINES_PER_PAGE = 50
_PAGE_WIDTH, _PAGE_HEIGHT = 612, 792  # US Letter, points
_LEFT, _TOP, _LEADING, _FONT_SIZE = 56, 736, 13, 10

_REPLACEMENTS = {"•": "*", "₹": "INR ", "–": "-", "—": "-", "’": "'", "“": '"', "”": '"'}


def _pdf_string(text: str) -> bytes:
    for char, replacement in _REPLACEMENTS.items():
        text = text.replace(char, replacement)
    raw = text.encode("latin-1", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _page_stream(lines: list[str]) -> bytes:
    parts = [b"BT", f"/F1 {_FONT_SIZE} Tf {_LEADING} TL {_LEFT} {_TOP} Td".encode()]
    for line in lines:
        parts.append(_pdf_string(line) + b" Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def build_pdf(lines: list[str], title: str = "Statement") -> bytes:
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    # Object numbers: 1 catalog, 2 page tree, 3 font, 4 info, then (page, contents) per page.
    page_ids = [5 + 2 * index for index in range(len(pages))]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids ["
        + b" ".join(f"{page_id} 0 R".encode() for page_id in page_ids)
        + f"] /Count {len(pages)} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        4: b"<< /Title " + _pdf_string(title) + b" /Producer (account_service) >>",
    }
    for page_id, page_lines in zip(page_ids, pages, strict=True):
        stream = _page_stream(page_lines)
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH} {_PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>"
        ).encode()
        objects[page_id + 1] = f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)
