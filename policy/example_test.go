package policy_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/s3-credentials/s3-credentials/policy"
)

// A read-only policy for one bucket, limited to a prefix, as
// `s3-credentials policy my-bucket --read-only --prefix reports/` prints it
// (there in Python's JSON layout).
func ExampleForBuckets() {
	doc, _ := policy.ForBuckets(policy.ReadOnly, []string{"my-bucket"}, policy.Scope{Prefixes: []string{"reports/"}})
	out, _ := json.MarshalIndent(doc, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Effect": "Allow",
	//       "Action": [
	//         "s3:GetBucketLocation"
	//       ],
	//       "Resource": [
	//         "arn:aws:s3:::my-bucket"
	//       ]
	//     },
	//     {
	//       "Effect": "Allow",
	//       "Action": [
	//         "s3:ListBucket"
	//       ],
	//       "Resource": [
	//         "arn:aws:s3:::my-bucket"
	//       ],
	//       "Condition": {
	//         "StringLike": {
	//           "s3:prefix": [
	//             "reports/*"
	//           ]
	//         }
	//       }
	//     },
	//     {
	//       "Effect": "Allow",
	//       "Action": [
	//         "s3:GetObject",
	//         "s3:GetObjectAcl",
	//         "s3:GetObjectLegalHold",
	//         "s3:GetObjectRetention",
	//         "s3:GetObjectTagging"
	//       ],
	//       "Resource": [
	//         "arn:aws:s3:::my-bucket/reports/*"
	//       ]
	//     }
	//   ]
	// }
}

// Write-only access to two buckets, plus a statement of your own kept as
// written: a document to pass to iam PutUserPolicy or as an AssumeRole
// session policy.
func ExampleRawStatement() {
	own := policy.RawStatement(json.RawMessage(`{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}`))
	doc, _ := policy.ForBuckets(policy.WriteOnly, []string{"uploads-a", "uploads-b"}, policy.Scope{}, own)
	_ = json.NewEncoder(os.Stdout).Encode(doc)
	// Output:
	// {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::uploads-a/*"]},{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::uploads-b/*"]},{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}
}

// The bucket policy that lets anyone download a bucket's objects.
func ExamplePublicRead() {
	out, _ := json.Marshal(policy.PublicRead("my-site"))
	fmt.Println(string(out))
	// Output:
	// {"Version":"2012-10-17","Statement":[{"Sid":"AllowAllGetObject","Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::my-site/*"]}]}
}

// A policy of your own, for every bucket in turn.
func ExampleSubstitute() {
	custom := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::$!BUCKET_NAME!$/public/*"}]}`
	for _, b := range []string{"one", "two"} {
		doc, err := policy.Substitute(custom, b)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(string(doc))
	}
	// Output:
	// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::one/public/*"}]}
	// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::two/public/*"}]}
}
