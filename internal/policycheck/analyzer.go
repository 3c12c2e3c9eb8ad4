package policycheck

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
)

// ValidatePolicyAPI is the one call of IAM Access Analyzer that Analyze
// makes.
type ValidatePolicyAPI interface {
	ValidatePolicy(ctx context.Context, in *accessanalyzer.ValidatePolicyInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ValidatePolicyOutput, error)
}

// analyzerPages bounds the pages of findings read for one policy: a
// policy small enough for IAM has far fewer findings than that.
const analyzerPages = 20

// Analyze asks IAM Access Analyzer's ValidatePolicy about the policy text
// and returns its findings in this package's terms: the check is
// "analyzer:" and Access Analyzer's issue code, ERROR is an error and
// every other type (SECURITY_WARNING, WARNING, SUGGESTION) a warning, the
// text is the span of the policy Access Analyzer points at.
func Analyze(ctx context.Context, api ValidatePolicyAPI, text string, kind Kind) ([]Finding, error) {
	in := &accessanalyzer.ValidatePolicyInput{PolicyDocument: aws.String(text), PolicyType: types.PolicyTypeIdentityPolicy}
	if kind == BucketPolicy {
		in.PolicyType = types.PolicyTypeResourcePolicy
		in.ValidatePolicyResourceType = types.ValidatePolicyResourceTypeS3Bucket
	}
	var findings []Finding
	for page := 0; page < analyzerPages; page++ {
		out, err := api.ValidatePolicy(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, f := range out.Findings {
			findings = append(findings, analyzerFinding(f, text))
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	return findings, nil
}

func analyzerFinding(f types.ValidatePolicyFinding, text string) Finding {
	out := Finding{
		Severity:  Warning,
		Check:     "analyzer:" + aws.ToString(f.IssueCode),
		Statement: Whole,
		Why:       strings.Join(strings.Fields(aws.ToString(f.FindingDetails)), " "),
	}
	if f.FindingType == types.ValidatePolicyFindingTypeError {
		out.Severity = Error
	}
	if len(f.Locations) > 0 {
		loc := f.Locations[0]
		out.Statement = statementOf(loc.Path)
		out.Text = spanText(text, loc.Span)
	}
	return out
}

// statementOf is the statement a path into the policy leads to: the index
// after "Statement", 0 when Statement is a single object, else Whole.
func statementOf(path []types.PathElement) int {
	for i, el := range path {
		if v, ok := el.(*types.PathElementMemberValue); !ok || v.Value != "Statement" {
			continue
		}
		if i+1 < len(path) {
			if idx, ok := path[i+1].(*types.PathElementMemberIndex); ok {
				return int(idx.Value)
			}
		}
		return 0
	}
	return Whole
}

// spanText is the part of text a span covers (offsets count characters),
// on one line, or "" when the span does not fit the text.
func spanText(text string, span *types.Span) string {
	if span == nil || span.Start == nil || span.End == nil {
		return ""
	}
	runes := []rune(text)
	start, end := int(aws.ToInt32(span.Start.Offset)), int(aws.ToInt32(span.End.Offset))
	if start < 0 || end > len(runes) || start >= end {
		return ""
	}
	const most = 200
	s := strings.Join(strings.Fields(string(runes[start:end])), " ")
	if r := []rune(s); len(r) > most {
		s = string(r[:most]) + "..."
	}
	return s
}
