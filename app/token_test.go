package app

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"proctor/server/auth"
)

const tokenTestSecret = "token-test-secret-0123456789"

// proctorRun runs the proctor command line in-process and returns its
// exit status, stdout and stderr.
func proctorRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func tokenSigner(t *testing.T) *auth.Signer {
	t.Helper()
	s, err := auth.NewSigner([]byte(tokenTestSecret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTokenSessions: --session, repeated or as a comma list, puts the
// sessions claim in a Sentinel token, and the token then joins only those.
func TestTokenSessions(t *testing.T) {
	t.Setenv(EnvSecret, tokenTestSecret)
	code, out, errOut := proctorRun(t, "token", "--role", "sentinel", "--sub", "cam-1", "--session", "exam-42", "--session", "exam-43,exam-44")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	c, err := tokenSigner(t).Verify(strings.TrimSpace(out), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if c.Role != auth.RoleSentinel || c.Subject != "cam-1" || !slices.Equal(c.Sessions, []string{"exam-42", "exam-43", "exam-44"}) {
		t.Fatalf("claims %+v", c)
	}
	if !c.MayJoin("exam-43") || c.MayJoin("exam-45") {
		t.Fatalf("MayJoin of %+v", c.Sessions)
	}
}

// TestTokenMetrics: --role metrics makes a scraper token that reads
// /metrics and nothing else.
func TestTokenMetrics(t *testing.T) {
	t.Setenv(EnvSecret, tokenTestSecret)
	code, out, errOut := proctorRun(t, "token", "-role", "metrics", "-sub", "prometheus")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	c, err := tokenSigner(t).Verify(strings.TrimSpace(out), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if c.Role != auth.RoleMetrics || !c.CanReadMetrics() || c.CanReview() || c.CanWatch() || c.CanPublish("prometheus") {
		t.Fatalf("claims %+v", c)
	}
}

// TestTokenUsageErrors: each misuse is refused with exit status 2 and a
// message that says what to do; nothing is printed on stdout.
func TestTokenUsageErrors(t *testing.T) {
	t.Setenv(EnvSecret, tokenTestSecret)
	for _, tc := range []struct {
		name   string
		args   []string
		phrase string
	}{
		// The seed endpoint accepts lowercase channels only: a key for
		// Cam1 would always be refused there.
		{"upper-case channel, old command line", []string{"-stream-key", "-sub", "Cam1"}, "a-z 0-9 - _"},
		{"upper-case channel", []string{"-stream-key", "-sub", "Cam1", "-kind", "publish"}, "a-z 0-9 - _"},
		{"channel with a dot", []string{"-stream-key", "-sub", "cam.1", "-kind", "receive"}, "a-z 0-9 - _"},
		{"no channel", []string{"-stream-key", "-kind", "publish"}, "-sub CHANNEL"},
		{"no kind", []string{"-stream-key", "-sub", "cam-1"}, "-kind publish or -kind receive"},
		{"bad kind", []string{"-stream-key", "-sub", "cam-1", "-kind", "both"}, "-kind publish or -kind receive"},
		{"kind without stream key", []string{"-role", "sentinel", "-sub", "cam-1", "-kind", "publish"}, "-kind is for -stream-key"},
		{"sessions on a stream key", []string{"-stream-key", "-sub", "cam-1", "-kind", "publish", "-session", "exam-1"}, "-session"},
		{"sessions for a proctor", []string{"-role", "proctor", "-session", "exam-1"}, "-session"},
		{"bad session id", []string{"-role", "sentinel", "-sub", "cam-1", "-session", "exam 1"}, "session"},
		{"empty session", []string{"-role", "sentinel", "-sub", "cam-1", "-session", "exam-1,"}, "session"},
		{"unknown role", []string{"-role", "root"}, "metrics"},
		{"sentinel without sub", []string{"-role", "sentinel"}, "-sub"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := proctorRun(t, append([]string{"token"}, tc.args...)...)
			if code != 2 || out != "" || !strings.Contains(errOut, tc.phrase) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2, nothing, a message with %q", code, out, errOut, tc.phrase)
			}
		})
	}
}

// TestTokenStreamKeys: -stream-key prints a key of the kind asked for,
// which the seed endpoint's check accepts for that kind only; it never
// expires unless -ttl is given.
func TestTokenStreamKeys(t *testing.T) {
	t.Setenv(EnvSecret, tokenTestSecret)
	s := tokenSigner(t)
	key := func(args ...string) string {
		t.Helper()
		code, out, errOut := proctorRun(t, append([]string{"token", "-stream-key", "-sub", "cam-1"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		return strings.TrimSpace(out)
	}
	now := time.Now()
	pub, recv, short := key("-kind", "publish"), key("-kind", "receive"), key("-kind", "receive", "-ttl", "1h")
	for _, tc := range []struct {
		name string
		key  string
		kind auth.StreamKind
		at   time.Time
		want error
	}{
		{"publish key publishes", pub, auth.StreamPublish, now, nil},
		{"publish key, years later", pub, auth.StreamPublish, now.Add(5 * 365 * 24 * time.Hour), nil},
		{"publish key does not receive", pub, auth.StreamReceive, now, auth.ErrKeyKind},
		{"receive key receives", recv, auth.StreamReceive, now, nil},
		{"receive key never publishes", recv, auth.StreamPublish, now, auth.ErrKeyKind},
		{"-ttl 1h, within", short, auth.StreamReceive, now.Add(50 * time.Minute), nil},
		{"-ttl 1h, after", short, auth.StreamReceive, now.Add(61 * time.Minute), auth.ErrKeyExpired},
	} {
		if err := s.VerifyStreamKey("cam-1", tc.key, tc.kind, tc.at); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	if err := s.VerifyStreamKey("cam-2", pub, auth.StreamPublish, now); !errors.Is(err, auth.ErrKeySignature) {
		t.Errorf("key of cam-1 on cam-2: %v", err)
	}
}
