// Package roles is what the tool knows and does about IAM roles. Creator
// makes them, each step with its undo (package undo): create-role's roles
// with their inline policies, or with Update brings an existing one up to
// date (create.go, with its dry run), and the tool's own role, which
// create --duration assumes (toolrole.go). Besides: the one trust policy
// its roles get and the --trust values naming who may assume them, the
// limits IAM sets on a role (trust.go), revoking a role's sessions, and
// finding a role given by name or by ARN. The inline policies themselves
// are written by package credentials, as create writes a user's.
package roles
