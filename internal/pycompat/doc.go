// Package pycompat is the home of what exists only to match the Python
// tool (simonw/s3-credentials 0.17) byte for byte; each idea is a package
// below it:
//
//   - pyjson: JSON as Python's json module reads and writes it, and
//     str(datetime) timestamps;
//   - botocore: the SDK's IAM, STS and S3 types in the AWS model's member
//     order, as botocore printed them;
//   - listfmt: the listing commands' output (streamed JSON array, --nl,
//     --csv and --tsv as Python's csv module writes them);
//   - mimetypes: Content-Type guessed from a file name as Python's
//     mimetypes module guesses it;
//   - fnmatch: get-objects --pattern as Python's fnmatch matches;
//   - pyrepr: values as Python's repr() writes them, in messages.
//
// Nothing else in the tool needs to know how Python formats things.
package pycompat
