"""lawie: typed, checkable data from Chinese 法治政府建设年度报告.

>>> import lawie
>>> doc = lawie.extract("2022年共受理行政复议案件37件，审结25件。")
>>> [(r.count.text, r.target.text, r.value, r.unit) for r in doc.records]
[('37件', '行政复议案件', 37, '件'), ('25件', '行政复议案件', 25, '件')]
"""

from lawie.pipeline import extract, extract_many, iter_extract
from lawie.quantity import Quantity, parse_quantity
from lawie.records import LABELS, Document, Entity, Record
from lawie.tables import to_frame

__version__ = "0.1.0"

__all__ = [
    "LABELS",
    "Document",
    "Entity",
    "Quantity",
    "Record",
    "extract",
    "extract_many",
    "iter_extract",
    "parse_quantity",
    "to_frame",
]
