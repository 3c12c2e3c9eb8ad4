package names

import "strings"

// RoleARN is what an IAM role ARN names: arn:PARTITION:iam::ACCOUNT:role/NAME,
// or arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
type RoleARN struct {
	Account string // "" when the ARN has none (SeaweedFS writes arn:aws:iam::role/NAME)
	Path    string // "/" or "/PATH/"
	Name    string
}

// ParseRoleARN reads s as a role ARN; ok is false when s is not one (a role
// name, say).
func ParseRoleARN(s string) (arn RoleARN, ok bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "iam" || parts[3] != "" {
		// SeaweedFS leaves the account out altogether: arn:aws:iam::role/NAME.
		if len(parts) == 5 && parts[0] == "arn" && parts[2] == "iam" && parts[3] == "" && strings.HasPrefix(parts[4], "role/") {
			parts = append(parts[:4], "", parts[4])
		} else {
			return RoleARN{}, false
		}
	}
	resource, found := strings.CutPrefix(parts[5], "role/")
	if !found || resource == "" {
		return RoleARN{}, false
	}
	i := strings.LastIndexByte(resource, '/')
	arn = RoleARN{Account: parts[4], Path: "/", Name: resource[i+1:]}
	if i >= 0 {
		arn.Path = "/" + resource[:i+1]
	}
	if arn.Name == "" {
		return RoleARN{}, false
	}
	return arn, true
}

// CheckRoleNameOrARN checks a role given by name or by ARN.
func CheckRoleNameOrARN(s string) error {
	if arn, ok := ParseRoleARN(s); ok {
		return CheckRoleName(arn.Name)
	}
	return CheckRoleName(s)
}
