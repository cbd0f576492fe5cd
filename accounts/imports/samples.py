"""The downloadable template of each kind: the header row and one example row."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from .specs import SPECS


def template_rows(kind: str) -> list[list[str]]:
    columns = SPECS[kind].columns
    return [[column.key for column in columns], [str(column.example) for column in columns]]


def template_csv(kind: str) -> bytes:
    """UTF-8 with a byte-order mark: Excel opens it with the Japanese intact."""
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(template_rows(kind))
    return text.getvalue().encode("utf-8-sig")


def template_xlsx(kind: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind
    header, example = template_rows(kind)
    sheet.append(header)
    # As text, so that Excel keeps codes like "01" and "7000012050002" as typed.
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column_cells in sheet.columns:
        sheet.column_dimensions[column_cells[0].column_letter].width = max(
            14, len(str(column_cells[0].value)) + 2
        )
        for cell in column_cells:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
