// Package message carries what a command has to tell its user besides its
// output, and words it: one line per step taken, and warnings (Steps),
// and counts in English ("1 object", "3 objects", "10,240"). The work
// packages write through Steps; the command decides where the lines go
// (standard error) and whether steps are shown at all (--silent).
package message

import "fmt"

// Steps receives a command's step lines and warnings.
type Steps struct {
	// Log receives one line per step taken (nil: steps are not shown).
	Log func(string)
	// Warn receives warnings and rollback reports, shown even when steps
	// are not (nil: dropped).
	Warn func(string)
	// Unheard, when set, tells whether the lines no longer reach anyone
	// (standard error was closed). What a command would have named as
	// left in place is then unseen, and must be taken back if it can be.
	Unheard func() bool
}

// Lost reports whether the lines no longer reach anyone.
func (s *Steps) Lost() bool { return s.Unheard != nil && s.Unheard() }

// Logf reports a step.
func (s *Steps) Logf(format string, args ...any) {
	if s.Log != nil {
		s.Log(fmt.Sprintf(format, args...))
	}
}

// Warnf reports a warning.
func (s *Steps) Warnf(format string, args ...any) {
	if s.Warn != nil {
		s.Warn(fmt.Sprintf(format, args...))
	}
}
