package policycheck

import (
	"strings"
	"testing"
)

// The embedded table parses, names its source, and lists each action,
// resource type and condition key once (parseTable refuses repeats).
func TestS3TableParses(t *testing.T) {
	tb, err := parseTable(s3Text)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s3Text, "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html") {
		t.Error("s3.txt does not name its source")
	}
	if len(tb.actions) < 150 || len(tb.types) < 10 || len(tb.keys) < 50 {
		t.Errorf("%d actions, %d resource types, %d condition keys: the table lost lines", len(tb.actions), len(tb.types), len(tb.keys))
	}
	// What the generated policies and the checks rely on.
	for name, types := range map[string]string{
		"GetObject": "accesspointobject object", "PutObject": "accesspointobject object",
		"DeleteObject": "accesspointobject object", "GetObjectAcl": "accesspointobject object",
		"GetObjectLegalHold": "accesspointobject object", "GetObjectRetention": "accesspointobject object",
		"GetObjectTagging": "accesspointobject object", "ListBucket": "accesspoint bucket",
		"GetBucketLocation": "accesspoint bucket", "ListAllMyBuckets": "",
	} {
		a := tb.byName[strings.ToLower(name)]
		if a == nil {
			t.Errorf("no action %s", name)
			continue
		}
		if got := strings.Join(a.typeNames(), " "); got != types {
			t.Errorf("%s acts on %q, want %q", name, got, types)
		}
	}
	for _, k := range []string{"s3:prefix", "s3:delimiter", "s3:x-amz-acl", "s3:ExistingObjectTag/team", "S3:PREFIX"} {
		if !tb.knownKey(k) {
			t.Errorf("condition key %s unknown", k)
		}
	}
	for _, k := range []string{"s3:ExistingObjectTag/", "s3:nope", "aws:SourceIp"} {
		if tb.knownKey(k) {
			t.Errorf("condition key %s known to S3", k)
		}
	}
	if a := tb.byName["listbucket"]; !a.carries("s3:prefix") || tb.byName["getobject"].carries("s3:prefix") {
		t.Error("s3:prefix: carried by GetObject or not by ListBucket")
	}
	if !tb.byName["getobject"].carries("s3:BucketTag/team") {
		t.Error("GetObject does not carry its resource type's s3:BucketTag/")
	}
}

func TestS3TableRefusesRepeatsAndNonsense(t *testing.T) {
	for name, text := range map[string]string{
		"repeated action":   "resource\tbucket\tarn:${Partition}:s3:::${BucketName}\t-\ncondition\ts3:prefix\tString\naction\tA\tRead\tbucket\t-\naction\ta\tRead\tbucket\t-\n",
		"repeated key":      "resource\tbucket\tarn:${Partition}:s3:::${BucketName}\t-\ncondition\ts3:prefix\tString\ncondition\ts3:Prefix\tString\naction\tA\tRead\tbucket\t-\n",
		"repeated type":     "resource\tbucket\tarn:x\t-\nresource\tbucket\tarn:y\t-\ncondition\ts3:prefix\tString\naction\tA\tRead\tbucket\t-\n",
		"unknown type":      "resource\tbucket\tarn:x\t-\ncondition\ts3:prefix\tString\naction\tA\tRead\tobject\t-\n",
		"short line":        "resource\tbucket\tarn:x\t-\ncondition\ts3:prefix\tString\naction\tA\tRead\n",
		"unclosed variable": "resource\tbucket\tarn:${Partition\t-\ncondition\ts3:prefix\tString\naction\tA\tRead\tbucket\t-\n",
		"no actions":        "resource\tbucket\tarn:x\t-\ncondition\ts3:prefix\tString\n",
		"unknown line":      "service\ts3\n",
	} {
		if _, err := parseTable(text); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}
