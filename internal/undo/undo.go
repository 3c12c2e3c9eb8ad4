// Package undo takes back what a run of create or create-role made when a
// later step fails or the run is interrupted: each step notes its reverse
// in a Log, which undoes them newest first and says what it did, what it
// could not undo and what it deliberately left (a new bucket). Calls that
// got no answer, or a server error, may have been carried out:
// UnknownOutcome and LostAnswers tell.
package undo

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/message"
)

// undoTimeout bounds the whole undo of a run: it runs after an interrupt
// too, and must end even when AWS no longer answers.
const undoTimeout = 60 * time.Second

// Log is how a run takes back what it made when a later step fails or
// the run is interrupted. Each step that may have changed something pushes
// its reverse: after it succeeded, and also when its outcome is unknown
// (the request went out but its answer was lost to an interrupt, a timeout
// or a dropped connection). So each reverse first finds out what is there
// and says nothing when there was nothing to take back.
type Log struct {
	steps *message.Steps
	undo  []undoStep
	kept  []keptThing
}

// New is an empty log whose undo reports to steps.
func New(steps *message.Steps) *Log { return &Log{steps: steps} }

type undoStep struct {
	what string // the thing, as "Left in place" names it when undoing fails
	// fn undoes it and says what it did ("" when there was nothing to undo).
	fn func(context.Context) (done string, err error)
}

// keptThing is something the run made that is deliberately not undone
// (a bucket), named in the report so nobody has to find it.
type keptThing struct {
	what string
	// exists, when set, tells whether it was made after all: its creation's
	// answer was lost.
	exists func(context.Context) (bool, error)
	// remove takes it back when it cannot be named: the report no longer
	// reaches anyone (standard error was closed). It says what it did (""
	// when there was nothing to take back).
	remove func(context.Context) (string, error)
}

// UnknownOutcome reports whether a call that failed with err may still have
// been carried out (awsclient.MayHaveActed): no answer, or a server error.
func UnknownOutcome(err error) bool { return awsclient.MayHaveActed(err) }

// Push notes the reverse of a step that may have changed something; forget
// drops it once the thing is complete and meant to stay.
func (u *Log) Push(what string, fn func(context.Context) (string, error)) (forget func()) {
	u.undo = append(u.undo, undoStep{what, fn})
	i := len(u.undo) - 1
	return func() { u.undo[i].fn = nil }
}

// Keep notes something this run made that is deliberately not undone,
// unless it cannot be named (remove).
func (u *Log) Keep(what string, remove func(context.Context) (string, error)) {
	u.kept = append(u.kept, keptThing{what: what, remove: remove})
}

// KeepIfExists notes something this run may have made.
func (u *Log) KeepIfExists(what string, exists func(context.Context) (bool, error), remove func(context.Context) (string, error)) {
	u.kept = append(u.kept, keptThing{what, exists, remove})
}

// ForgetKept drops what was noted as kept: it is neither named nor taken
// back.
func (u *Log) ForgetKept() { u.kept = nil }

// Run undoes every step, newest first, and names what is left. It runs on
// a context of its own: the run's may have been cancelled by Ctrl-C.
func (u *Log) Run(ctx context.Context) {
	if len(u.undo) == 0 && len(u.kept) == 0 {
		return
	}
	// Only for an interrupt: a run stopped by a failed write says why in
	// its error.
	if context.Cause(ctx) == context.Canceled && slices.ContainsFunc(u.undo, func(s undoStep) bool { return s.fn != nil }) {
		// The undo takes a request or more per step; say why the tool has
		// not stopped yet, and how to make it.
		u.steps.Warnf("Interrupted: undoing what this run changed (press Ctrl-C again to stop at once)")
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
	defer cancel()
	var left []string
	for i := len(u.undo) - 1; i >= 0; i-- {
		s := u.undo[i]
		if s.fn == nil {
			continue // forgotten: complete, and meant to stay
		}
		done, err := s.fn(ctx)
		if err != nil {
			u.steps.Warnf("Could not undo: %s: %s", s.what, awsclient.ErrorMessage(err))
			left = append(left, s.what)
			continue
		}
		if done != "" {
			u.steps.Warnf("Undone: %s", done)
		}
	}
	for _, k := range u.kept {
		if k.remove != nil && u.steps.Lost() {
			// Nobody would read its name: take it back rather than leave
			// it unseen.
			done, err := k.remove(ctx)
			if err == nil {
				if done != "" {
					u.steps.Warnf("Undone: %s", done)
				}
				continue
			}
			u.steps.Warnf("Could not undo: %s: %s", k.what, awsclient.ErrorMessage(err))
		}
		if k.exists != nil {
			exists, err := k.exists(ctx)
			if err != nil {
				left = append(left, k.what+" (perhaps: checking failed: "+awsclient.ErrorMessage(err)+")")
				continue
			}
			if !exists {
				continue
			}
		}
		left = append(left, k.what)
	}
	if len(left) > 0 {
		u.steps.Warnf("Left in place: %s", strings.Join(left, "; "))
	}
}
