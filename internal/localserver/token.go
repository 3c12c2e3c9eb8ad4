package localserver

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// Token is the secret clients must send in the Authorization header. The
// zero Token lets every request through.
type Token struct {
	digest [sha256.Size]byte
	set    bool
}

// NewToken returns a Token requiring secret ("" requires nothing).
func NewToken(secret string) Token {
	if secret == "" {
		return Token{}
	}
	return Token{digest: sha256.Sum256([]byte(secret)), set: true}
}

// GenerateToken returns a new random token of 64 hex digits.
func GenerateToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// Required reports whether requests must carry the token.
func (t Token) Required() bool { return t.set }

// Allows checks an Authorization header value. AWS SDKs send
// AWS_CONTAINER_AUTHORIZATION_TOKEN as the whole value; "Bearer TOKEN" is
// accepted too, for curl users. Both sides are hashed first, so the
// constant-time comparison does not leak the token's length either.
func (t Token) Allows(header string) bool {
	if !t.set {
		return true
	}
	whole := sha256.Sum256([]byte(header))
	ok := subtle.ConstantTimeCompare(whole[:], t.digest[:])
	if len(header) > 7 && strings.EqualFold(header[:7], "bearer ") {
		bare := sha256.Sum256([]byte(strings.TrimSpace(header[7:])))
		ok |= subtle.ConstantTimeCompare(bare[:], t.digest[:])
	}
	return ok == 1
}
