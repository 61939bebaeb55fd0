"""The ledger of received files: each file once, whichever way it came in."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

import models
from zvit.warehouse.receipts import Fate, Origin, Receipt, record_receipts

RECEIVED = dt.datetime(2022, 10, 7, 9, 30, tzinfo=dt.UTC)


def _receipt(origin: Origin, *, name: str = "upravlinnia-zvernen-zvit.docx", sha256: str = "ab" * 32,
             hours: int = 0) -> Receipt:
    return Receipt(name=name, size=2048, sha256=sha256, origin=origin, received_at=RECEIVED + dt.timedelta(hours=hours),
                   fate=Fate.STORED, period="2022-Q3", department="upravlinnia-zvernen")


def _rows(warehouse: Engine) -> list[tuple[str, str]]:
    with warehouse.connect() as connection:
        table = models.ReceivedFile
        return [tuple(row) for row in connection.execute(select(table.origin, table.name).order_by(table.id))]


def test_a_folder_run_taking_an_uploaded_file_again_keeps_the_upload_record_issue_17(warehouse: Engine) -> None:
    [uploaded] = record_receipts(warehouse, [_receipt(Origin.UPLOAD)])
    [again] = record_receipts(warehouse, [_receipt(Origin.FOLDER, hours=48)])
    assert again == uploaded and again.origin is Origin.UPLOAD and again.received_at == RECEIVED
    assert _rows(warehouse) == [("upload", "upravlinnia-zvernen-zvit.docx")]


def test_a_folder_file_with_other_bytes_or_another_name_is_a_file_of_its_own(warehouse: Engine) -> None:
    record_receipts(warehouse, [_receipt(Origin.UPLOAD)])
    record_receipts(warehouse, [_receipt(Origin.FOLDER, sha256="cd" * 32),
                                _receipt(Origin.FOLDER, name="zvit-kopiia.docx")])
    assert _rows(warehouse) == [("upload", "upravlinnia-zvernen-zvit.docx"),
                                ("folder", "upravlinnia-zvernen-zvit.docx"), ("folder", "zvit-kopiia.docx")]
    with warehouse.connect() as connection:
        assert connection.execute(select(func.count()).select_from(models.ReceivedFile)).scalar_one() == 3
