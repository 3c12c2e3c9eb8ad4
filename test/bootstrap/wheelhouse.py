"""Pack distributions installed in this Python into wheels, for an offline pip.

usage: python3 wheelhouse.py OUT_DIR REQUIREMENTS_FILE

Every "name==version" (optionally "name[extras]==version") line of
REQUIREMENTS_FILE must be installed in the running Python at exactly that
version. Its files, as the RECORD of its .dist-info lists them, are written to
OUT_DIR/<name>-<version>-<tags>.whl, so that pip can install the same set with
no package index (PIP_NO_INDEX=1 PIP_FIND_LINKS=OUT_DIR). Compiled
distributions keep the tags their WHEEL file records, so the wheels only fit
this interpreter and platform, which is all a test on this machine needs.
Exits with status 3 when a pinned distribution is missing or at another
version, 1 on any other error.

Byte-code caches and the installer's own files (INSTALLER, REQUESTED,
direct_url.json, RECORD) are left out; a new RECORD is written. Scripts pip
generated from entry points are left out too (pip makes them again); other
scripts go to .data/scripts with their "#!" line reset to "#!python", which
pip rewrites to the interpreter it installs for.
"""

import base64
import hashlib
import importlib.metadata
import os
import pathlib
import re
import sys
import sysconfig
import zipfile

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[A-Za-z0-9._,\s-]*\])?\s*==\s*([^\s;#]+)\s*$")
MISSING = 3  # exit status when a pinned distribution is not installed here
SKIP_INFO = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def fail(msg, code=1):
    print("wheelhouse.py: " + msg, file=sys.stderr)
    sys.exit(code)


def pins(path):
    out = []
    for n, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = PIN.match(line)
        if not m:
            fail(f"{path}:{n}: not a 'name==version' line: {line!r}")
        out.append((m.group(1), m.group(3)))
    if not out:
        fail(f"{path}: no pinned requirements")
    return out


def wheel_tag(text, name):
    tags = [l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("Tag:")]
    if not tags:
        fail(f"{name}: its WHEEL file names no tag")
    parts = [t.split("-") for t in tags]
    if any(len(p) != 3 for p in parts):
        fail(f"{name}: malformed tag in WHEEL: {tags}")
    py, abi, plat = (sorted({p[i] for p in parts}) for i in range(3))
    if len(py) * len(abi) * len(plat) != len(set(tags)):
        fail(f"{name}: tags {tags} do not compress into one file name")
    return "-".join(".".join(x) for x in (py, abi, plat))


def record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def build(dist, out_dir):
    name = dist.metadata["Name"]
    if dist.files is None:
        fail(f"{name} {dist.version}: no RECORD, cannot tell its files")
    site = pathlib.Path(dist.locate_file("")).resolve()
    info = next((f for f in dist.files if f.parts[0].endswith(".dist-info")), None)
    if info is None:
        fail(f"{name}: RECORD lists no .dist-info directory")
    info_dir = info.parts[0]
    data_dir = info_dir[: -len(".dist-info")] + ".data"
    wheel_text = (site / info_dir / "WHEEL").read_text()
    generated = {ep.name for ep in dist.entry_points if ep.group in ("console_scripts", "gui_scripts")}
    scripts = pathlib.Path(sysconfig.get_path("scripts")).resolve()
    prefix = pathlib.Path(sysconfig.get_path("data")).resolve()

    entries = []  # (arcname, path on disk)
    for f in dist.files:
        if "__pycache__" in f.parts or f.suffix == ".pyc":
            continue
        src = (site / f).resolve() if f.parts[0] == ".." else site / f
        if f.parts[0] == "..":
            if src.parent == scripts:
                base = src.name
                for suffix in ("", ".exe", "-script.py"):
                    if suffix and base.endswith(suffix):
                        base = base[: -len(suffix)]
                if base in generated:
                    continue
                arc = f"{data_dir}/scripts/{src.name}"
            elif prefix in src.parents:
                arc = f"{data_dir}/data/{src.relative_to(prefix).as_posix()}"
            else:
                fail(f"{name}: file outside the installation prefix: {src}")
        else:
            if f.parts[0] == info_dir and len(f.parts) == 2 and f.parts[1] in SKIP_INFO:
                continue
            arc = f.as_posix()
        entries.append((arc, src))

    fname = "{}-{}-{}.whl".format(
        re.sub(r"[-_.]+", "_", name), dist.version.replace("-", "_"), wheel_tag(wheel_text, name)
    )
    record = []
    tmp = out_dir / (fname + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:
        for arc, src in entries:
            try:
                data = src.read_bytes()
            except OSError as e:
                fail(f"{name}: {e}")
            if arc.startswith(f"{data_dir}/scripts/") and data.startswith(b"#!"):
                first, nl, rest = data.partition(b"\n")
                if b"python" in first:
                    data = b"#!python" + nl + rest
            zi = zipfile.ZipInfo(arc, date_time=(1980, 1, 1, 0, 0, 0))
            zi.external_attr = (os.stat(src).st_mode & 0o777 | 0o100000) << 16
            z.writestr(zi, data)
            record.append(record_line(arc, data))
        record.append(f"{info_dir}/RECORD,,")
        z.writestr(zipfile.ZipInfo(f"{info_dir}/RECORD", date_time=(1980, 1, 1, 0, 0, 0)),
                   "\n".join(record) + "\n")
    tmp.replace(out_dir / fname)
    return fname


def main():
    if len(sys.argv) != 3:
        fail("usage: python3 wheelhouse.py OUT_DIR REQUIREMENTS_FILE")
    out_dir = pathlib.Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, version in pins(sys.argv[2]):
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            fail(f"{name}=={version} is pinned but not installed in {sys.executable}", MISSING)
        if dist.version != version:
            fail(f"{name}=={version} is pinned but {sys.executable} has {dist.version}", MISSING)
        print(build(dist, out_dir))


if __name__ == "__main__":
    main()
