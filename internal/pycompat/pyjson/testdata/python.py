"""Writes the golden files of the pyjson tests with Python's own json module
and str(datetime): the behaviour pyjson must match byte for byte.

Run by `go test ./internal/pyjson -update` (in the package directory).
"""
import datetime
import json
import os

here = os.path.dirname(os.path.abspath(__file__))


def write(name, text):
    with open(os.path.join(here, name), "w", newline="") as f:
        f.write(text)


with open(os.path.join(here, "input.json")) as f:
    data = json.load(f)  # a repeated key keeps its last value, as in Decode

write("encode_indent4.golden", json.dumps(data, indent=4))
write("encode_indent2.golden", json.dumps(data, indent=2))
write("encode_compact.golden", json.dumps(data))

utc = datetime.timezone.utc
times = [
    datetime.datetime(2021, 11, 3, 1, 38, 24, tzinfo=utc),
    datetime.datetime(2026, 11, 26, 20, 48, 18, 412574, tzinfo=utc),
    datetime.datetime(2026, 1, 2, 3, 4, 5, 1, tzinfo=utc),
]
write("pytime.golden", "".join(str(t) + "\n" for t in times))
