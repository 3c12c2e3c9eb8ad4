package policycheck

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
)

func TestAnalyzerLocations(t *testing.T) {
	t.Parallel()
	key := func(v string) types.PathElement { return &types.PathElementMemberValue{Value: v} }
	idx := func(i int32) types.PathElement { return &types.PathElementMemberIndex{Value: i} }
	for _, tc := range []struct {
		path []types.PathElement
		want int
	}{
		{[]types.PathElement{key("Statement"), idx(3), key("Action"), idx(0)}, 3},
		{[]types.PathElement{key("Statement"), key("Action")}, 0}, // Statement is one object
		{[]types.PathElement{key("Version")}, Whole},
		{nil, Whole},
	} {
		if got := statementOf(tc.path); got != tc.want {
			t.Errorf("%v: statement %d, want %d", tc.path, got, tc.want)
		}
	}
	span := func(from, to int32) *types.Span {
		return &types.Span{Start: &types.Position{Offset: aws.Int32(from)}, End: &types.Position{Offset: aws.Int32(to)}}
	}
	// Offsets count characters, not bytes.
	text := `{"Sid": "café", "Action": "s3:Get"}`
	for _, tc := range []struct {
		span *types.Span
		want string
	}{
		{span(26, 34), `"s3:Get"`},
		{span(8, 14), `"café"`},
		{span(30, 99), ""}, // past the end
		{span(5, 5), ""},
		{nil, ""},
	} {
		if got := spanText(text, tc.span); got != tc.want {
			t.Errorf("span %v: %q, want %q", tc.span, got, tc.want)
		}
	}
}
