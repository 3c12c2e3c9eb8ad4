package cli

import "testing"

func TestWhoami(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	r := e.ok("whoami")
	want := "{\n    \"UserId\": \"AKIAIOSFODNN7EXAMPLE\",\n    \"Account\": \"123456789012\",\n    \"Arn\": \"arn:aws:sts::123456789012:user/moto\"\n}\n"
	if r.Stdout != want {
		t.Errorf("whoami printed\n%s\nwant\n%s", r.Stdout, want)
	}
}
