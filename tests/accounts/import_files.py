"""Import files built in memory for the import tests: CSV in a chosen encoding, and .xlsx."""

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook


def csv_file(
    rows: list[list], *, name: str = "data.csv", encoding: str = "utf-8"
) -> SimpleUploadedFile:
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list], *, name: str = "data.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(
        name,
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def usage_rows(subscription_ids: list[str], days: int, *, start: str = "2026-01-01") -> list[list]:
    first = datetime.date.fromisoformat(start)
    rows: list[list] = [["subscription_external_id", "date", "quantity"]]
    for external_id in subscription_ids:
        for day in range(days):
            rows.append(
                [external_id, (first + datetime.timedelta(days=day)).isoformat(), f"{day % 97}.5"]
            )
    return rows
