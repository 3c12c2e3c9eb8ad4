package cli

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/flagvalue"
	"github.com/s3-credentials/s3-credentials/internal/timespec"
	"github.com/s3-credentials/s3-credentials/policy"
)

// scopeFlags are the flags that narrow the policies create, policy,
// localserver and create-role generate, declared once for all: --prefix,
// --key, --source-ip and, where permanent credentials or plain policies
// are made, --expires.
type scopeFlags struct {
	prefixes   []string
	keys       []string
	sourceIPs  []string
	expires    string
	requireTLS bool
	kmsKeys    []string
}

// add declares the flags; withExpires adds --expires.
func (s *scopeFlags) add(cmd *cobra.Command, withExpires bool) {
	fl := cmd.Flags()
	fl.StringArrayVar(&s.prefixes, "prefix", nil, "Restrict to keys starting with this prefix, e.g. foo/ (no leading /; repeatable; default: the whole bucket)")
	fl.StringArrayVar(&s.keys, "key", nil, keyFlagHelp)
	fl.StringArrayVar(&s.sourceIPs, "source-ip", nil, "Only allow requests from this network: a CIDR block like 203.0.113.0/24, or one address (repeatable)")
	fl.BoolVar(&s.requireTLS, "require-tls", false, "Only allow requests sent over TLS (HTTPS): plain HTTP is refused")
	fl.StringArrayVar(&s.kmsKeys, "kms-key", nil, "ARN of a KMS key the buckets' objects are encrypted with: grant its use through S3 for them (repeatable; create finds a bucket's default key itself)")
	if withExpires {
		fl.StringVar(&s.expires, "expires", "", "Stop working at this time: in 90m, 12h, 30d, 2w, or at an RFC 3339 time like 2027-01-31T18:00:00Z")
	}
}

// scope checks the flags and returns the scope they ask for on buckets; a
// bad value is a usage error.
func (s *scopeFlags) scope(cmd *cobra.Command, buckets []string, now time.Time) (policy.Scope, error) {
	sc := policy.Scope{Prefixes: s.prefixes, Limits: policy.Limits{RequireTLS: s.requireTLS}}
	for _, arn := range s.kmsKeys {
		key, err := policy.NewKMSKey(arn, false)
		if err != nil {
			return sc, badParam(cmd, "kms-key", err.Error()+".")
		}
		if sc.KMS == nil {
			sc.KMS = map[string][]policy.KMSKey{}
		}
		for _, b := range buckets {
			sc.KMS[b] = append(sc.KMS[b], key)
		}
	}
	if err := checkPrefixes(cmd, s.prefixes); err != nil {
		return sc, err
	}
	var err error
	if sc.Keys, err = parseKeys(cmd, s.keys); err != nil {
		return sc, err
	}
	for _, raw := range s.sourceIPs {
		cidr, err := flagvalue.ParseSourceIP(raw)
		if err != nil {
			return sc, badParam(cmd, "source-ip", err.Error())
		}
		sc.SourceIPs = append(sc.SourceIPs, cidr)
	}
	if w := everyAddressWarning(sc.SourceIPs); w != "" {
		fmt.Fprintln(cmd.ErrOrStderr(), w)
	}
	if cmd.Flags().Changed("expires") {
		t, err := timespec.ParseMoment(s.expires, now)
		if err != nil {
			return sc, badParam(cmd, "expires", err.Error())
		}
		sc.Expires = t
	}
	return sc, nil
}

// everyAddressWarning warns of --source-ip values that limit nothing, or
// only shut out the other address family: 0.0.0.0/0 is every IPv4
// address and no IPv6 one, ::/0 the reverse.
func everyAddressWarning(cidrs []string) string {
	v4, v6 := slices.Contains(cidrs, "0.0.0.0/0"), slices.Contains(cidrs, "::/0")
	switch {
	case v4 && v6:
		return "Warning: --source-ip 0.0.0.0/0 and ::/0 together allow every address: they limit nothing"
	case v4:
		return "Warning: --source-ip 0.0.0.0/0 allows every IPv4 address and no IPv6 one: it limits nothing but the address family"
	case v6:
		return "Warning: --source-ip ::/0 allows every IPv6 address and no IPv4 one: it limits nothing but the address family"
	}
	return ""
}
