// Package roles holds what the tool knows about IAM roles apart from
// creating them: the one trust policy its roles get and the --trust values
// naming who may assume them, the limits IAM sets on a role, revoking a
// role's sessions, and finding a role given by name or by ARN. Creating a
// role, with each step's undo, is credentials.Creator.CreateRole, which
// shares its undo machinery with create.
package roles
