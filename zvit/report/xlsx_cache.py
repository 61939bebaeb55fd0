"""Cached values for an openpyxl workbook's formulas, so that readers that never calculate still see the totals."""

from __future__ import annotations

from functools import partial
from typing import Any

from zvit.report.package import with_parts

_SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def cache_formula_values(workbook: bytes, cached: dict[int, dict[str, Any]]) -> bytes:
    """Store each formula's value (by 1-based sheet number and cell) in the saved workbook, as Excel itself does.

    A value of None caches the empty text a formula like =IF(G5=0,"",H5/G5) gives.
    """
    from lxml import etree  # python-docx and docxtpl depend on lxml, so it is always installed

    return with_parts(workbook, {f"xl/worksheets/sheet{number}.xml": partial(_cache_sheet, etree, values=values)
                                 for number, values in cached.items() if values})


def _cache_sheet(etree: Any, data: bytes, *, values: dict[str, Any]) -> bytes:
    root = etree.fromstring(data)
    ns = {"m": _SPREADSHEET_NS}
    for cell in root.iterfind(".//m:sheetData/m:row/m:c", ns):
        coordinate = cell.get("r")
        if coordinate not in values or cell.find("m:f", ns) is None:
            continue
        for old in cell.findall("m:v", ns):
            cell.remove(old)
        value = values[coordinate]
        holder = etree.SubElement(cell, f"{{{_SPREADSHEET_NS}}}v")
        if value is None:
            cell.set("t", "str")  # the formula gives "" (no annual volume to divide by)
            holder.text = ""
        else:
            cell.attrib.pop("t", None)
            holder.text = repr(float(value))
    cached: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return cached
