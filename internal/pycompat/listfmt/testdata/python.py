"""Writes the golden files of the listfmt tests the way the reference printed
listings: a streamed JSON array (json.dumps(item, indent=2) shifted two
spaces), one compact object per line (--nl), and csv.DictWriter rows in the
excel and excel-tab dialects with lists and objects JSON-encoded (--csv,
--tsv). The rows are those of listRows in listfmt_test.go.

Run by `go test ./internal/listfmt -update` (in the package directory).
"""
import csv
import datetime
import io
import json
import os

here = os.path.dirname(os.path.abspath(__file__))

when = datetime.datetime(2026, 11, 26, 20, 48, 18, 412574, tzinfo=datetime.timezone.utc)
rows = [
    {
        "Key": "plain", "Size": 6, "Tags": [{"Key": "a", "Value": "b"}],
        "Note": 'has "quotes", and comma', "When": when, "Flag": True,
        "Empty": None, "Multi": "line1\nline2", " lead": " space",
    },
    {"Key": "tab\there", "Size": 0},
]
headers = ["Key", "Size", "Tags", "Note", "When", "Flag", "Empty", "Multi", " lead"]


def write(name, text):
    with open(os.path.join(here, name), "w", newline="") as f:
        f.write(text)


def json_array(items):
    if not items:
        return "[]\n"
    parts = []
    for item in items:
        text = json.dumps(item, indent=2, default=str)
        parts.append("\n".join("  " + line for line in text.split("\n")))
    return "[\n" + ",\n".join(parts) + "\n]\n"


def cell(v):
    if isinstance(v, (list, dict)):
        return json.dumps(v, indent=2, default=str)
    return v


def table(items, dialect):
    out = io.StringIO()
    w = csv.DictWriter(out, headers, dialect=dialect, extrasaction="ignore")
    w.writeheader()
    for item in items:
        w.writerow({k: cell(v) for k, v in item.items()})
    return out.getvalue()


write("list.json.golden", json_array(rows))
write("list.empty.golden", json_array([]))
write("list.nl.golden", "".join(json.dumps(r, default=str) + "\n" for r in rows))
write("list.csv.golden", table(rows, "excel"))
write("list.tsv.golden", table(rows, "excel-tab"))
