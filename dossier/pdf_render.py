"""Render one HTML document to PDF with WeasyPrint, in a process of its own:

    python -m dossier.pdf_render OUT.pdf < page.html      → prints {"pages": n, "anchors": {id: page}}

The archive's generated pages are rendered here, not in the worker: subsetting the CJK font costs
about 100 MB, which a short-lived process gives back when it exits, so the worker's own peak stays
within the archive's memory budget (bench/archive_bench.py). Imports no Django."""

import json
import sys


def main(argv: list[str]) -> int:
    from weasyprint import HTML

    html = sys.stdin.buffer.read().decode("utf-8")
    document = HTML(string=html, base_url=None).render()
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
    document.write_pdf(argv[1])
    json.dump({"pages": len(document.pages), "anchors": anchors}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
