package roles

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

// Limits of IAM roles checked before any call is made (the size of its
// inline policies: policycheck.MaxRoleInlinePolicyChars).
const (
	// MaxTrustPolicyChars is the default quota for a role's trust policy.
	MaxTrustPolicyChars = 2048
	// MinSessionDuration and MaxSessionDuration bound what a role may
	// allow its sessions, in seconds.
	MinSessionDuration = 60 * 60
	MaxSessionDuration = 12 * 60 * 60
	// MaxTags is how many tags IAM lets one role carry.
	MaxTags = 50
)

// Principal is one --trust value resolved: an AWS principal (an ARN, or the
// account of the credentials in use when Value is "") or a service.
type Principal struct {
	Service bool
	Value   string
}

// AccountPrincipal is the account of the credentials in use.
var AccountPrincipal = Principal{}

// The --trust shortcuts for services that commonly assume roles.
var trustShortcuts = map[string]string{
	"lambda":    "lambda.amazonaws.com",
	"ec2":       "ec2.amazonaws.com",
	"ecs-tasks": "ecs-tasks.amazonaws.com",
}

var (
	serviceHost  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.amazonaws\.com(\.cn)?$`)
	principalARN = regexp.MustCompile(`^arn:aws(-[a-z]+)*:(iam|sts)::\d{12}:[\x21-\x7e]+$`)
	accountID    = regexp.MustCompile(`^\d{12}$`)
)

// ParseTrust reads a --trust value: account, lambda, ec2, ecs-tasks, a
// service principal SERVICE.amazonaws.com, a 12-digit account ID, or the
// ARN of an IAM principal (account root, user, role, assumed role).
func ParseTrust(s string) (Principal, error) {
	switch {
	case s == "account":
		return AccountPrincipal, nil
	case trustShortcuts[s] != "":
		return Principal{Service: true, Value: trustShortcuts[s]}, nil
	case serviceHost.MatchString(s):
		return Principal{Service: true, Value: s}, nil
	case accountID.MatchString(s):
		return Principal{Value: "arn:aws:iam::" + s + ":root"}, nil
	case principalARN.MatchString(s):
		return Principal{Value: s}, nil
	}
	return Principal{}, fmt.Errorf("%q is not one of account, lambda, ec2, ecs-tasks, SERVICE.amazonaws.com, a 12-digit account ID or an IAM principal ARN (arn:aws:iam::123456789012:root)", s)
}

// NeedsAccount says whether a trust policy for trust names the account of
// the credentials in use.
func NeedsAccount(trust []Principal) bool {
	return len(trust) == 0 || slices.Contains(trust, AccountPrincipal)
}

// TrustPolicy is the one trust policy every role the tool makes gets: one
// statement allowing sts:AssumeRole (and sts:TagSession with tagSession,
// which session tags need) to every principal of trust, AWS principals
// grouped before services, each in the order given, repeats dropped. No
// principal means the account's; account stands in for the account of the
// credentials in use.
func TrustPolicy(trust []Principal, account string, tagSession bool) pyjson.Map {
	if len(trust) == 0 {
		trust = []Principal{AccountPrincipal}
	}
	var aws, services []string
	for _, p := range trust {
		switch {
		case p.Service:
			if !slices.Contains(services, p.Value) {
				services = append(services, p.Value)
			}
		default:
			v := p.Value
			if v == "" {
				v = "arn:aws:iam::" + account + ":root"
			}
			if !slices.Contains(aws, v) {
				aws = append(aws, v)
			}
		}
	}
	principal := pyjson.Map{}
	if len(aws) > 0 {
		principal.Set("AWS", oneOrList(aws))
	}
	if len(services) > 0 {
		principal.Set("Service", oneOrList(services))
	}
	actions := []string{"sts:AssumeRole"}
	if tagSession {
		actions = append(actions, "sts:TagSession")
	}
	return pyjson.Map{
		{Key: "Version", Value: policy.Version},
		{Key: "Statement", Value: []any{pyjson.Map{
			{Key: "Effect", Value: "Allow"},
			{Key: "Principal", Value: principal},
			{Key: "Action", Value: oneOrList(actions)},
		}}},
	}
}

// oneOrList is a lone value as itself, several as a list, as IAM writes
// them.
func oneOrList(list []string) any {
	if len(list) == 1 {
		return list[0]
	}
	return list
}

// Trusted lists the principals of a TrustPolicy as the step lines name
// them.
func Trusted(doc pyjson.Map) string {
	stmts, _ := doc.Get("Statement")
	st := stmts.([]any)[0].(pyjson.Map)
	p, _ := st.Get("Principal")
	var names []string
	for _, k := range p.(pyjson.Map).Keys() {
		switch v, _ := p.(pyjson.Map).Get(k); x := v.(type) {
		case string:
			names = append(names, x)
		case []string:
			names = append(names, x...)
		}
	}
	return strings.Join(names, ", ")
}
