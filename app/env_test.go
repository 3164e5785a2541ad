package app

import (
	"errors"
	"strings"
	"testing"

	"proctor/server"
)

// parseServerFlags binds the server's flags and parses args with the
// environment in effect, as runServer does.
func parseServerFlags(t *testing.T, args ...string) (server.Config, error) {
	t.Helper()
	var cfg server.Config
	fs := newFlags("server", &strings.Builder{})
	serverFlags(fs, &cfg)
	secretFlags(fs)
	return cfg, parseFlags(fs, args)
}

// TestFlagsFromEnv: every flag can come from PROCTOR_<NAME> (upper case,
// - as _), and a flag on the command line wins over its variable.
func TestFlagsFromEnv(t *testing.T) {
	t.Setenv("PROCTOR_MAX_CONNS_PER_IP", "7")
	t.Setenv("PROCTOR_DATA", "/srv/proctor")
	t.Setenv("PROCTOR_ADDR", ":1111")
	t.Setenv("PROCTOR_SHUTDOWN_TIMEOUT", "3s")
	t.Setenv("PROCTOR_SYNC", "always")
	cfg, err := parseServerFlags(t, "-addr", ":2222")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxConnsPerIP != 7 || cfg.DataDir != "/srv/proctor" || cfg.ShutdownTimeout.String() != "3s" || cfg.Store.Sync != "always" {
		t.Fatalf("environment not applied: %+v", cfg)
	}
	if cfg.Addr != ":2222" {
		t.Fatalf("addr %q: the command line must win over PROCTOR_ADDR", cfg.Addr)
	}
}

// TestFlagsFromEnvBadValue: a malformed value is a usage error (exit 2)
// that names the variable, even when the flag's default would do.
func TestFlagsFromEnvBadValue(t *testing.T) {
	t.Setenv("PROCTOR_MAX_CONNS_PER_IP", "lots")
	_, err := parseServerFlags(t)
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != 2 || exit.Err == nil || !strings.Contains(exit.Err.Error(), "PROCTOR_MAX_CONNS_PER_IP") {
		t.Fatalf("err = %v, want exit 2 naming PROCTOR_MAX_CONNS_PER_IP", err)
	}
	// The command line wins, so its value is the one parsed.
	if _, err := parseServerFlags(t, "-max-conns-per-ip", "3"); err != nil {
		t.Fatalf("flag given, bad variable ignored: %v", err)
	}

	// The same through the command line of another mode.
	t.Setenv(EnvSecret, tokenTestSecret)
	t.Setenv("PROCTOR_TTL", "a while")
	code, out, errOut := proctorRun(t, "token", "-role", "admin")
	if code != 2 || out != "" || !strings.Contains(errOut, "PROCTOR_TTL") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestServerHelpShowsEnv: proctor server -h documents the rule and each
// flag's variable.
func TestServerHelpShowsEnv(t *testing.T) {
	code, _, errOut := proctorRun(t, "server", "-h")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"PROCTOR_MAX_CONNS_PER_IP", "PROCTOR_ADDR", "PROCTOR_DATA", "PROCTOR_SECRET_FILE", "PROCTOR_LOG_LEVEL", "command line wins"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("help does not mention %s:\n%s", want, errOut)
		}
	}
}

// TestFlagsFromEnvEmptyAndBool: an empty variable counts as unset, and a
// boolean flag takes the usual true/false spellings.
func TestFlagsFromEnvEmptyAndBool(t *testing.T) {
	t.Setenv("PROCTOR_ADDR", "")
	t.Setenv("PROCTOR_MAX_CONNS_PER_IP", "")
	cfg, err := parseServerFlags(t)
	if err != nil || cfg.Addr != server.DefaultAddr || cfg.MaxConnsPerIP != server.DefaultMaxConnsPerIP {
		t.Fatalf("empty variables: %v %+v", err, cfg)
	}
	for _, tc := range []struct {
		value string
		want  bool
		bad   bool
	}{{"true", true, false}, {"1", true, false}, {"false", false, false}, {"yes", false, true}} {
		fs := newFlags("test", &strings.Builder{})
		b := fs.Bool("log-json", false, "")
		err := parseFlagsEnv(fs, nil, func(k string) (string, bool) {
			if k == "PROCTOR_LOG_JSON" {
				return tc.value, true
			}
			return "", false
		})
		if tc.bad != (err != nil) || (err == nil && *b != tc.want) || (err != nil && !strings.Contains(err.Error(), "PROCTOR_LOG_JSON")) {
			t.Errorf("PROCTOR_LOG_JSON=%s: %v, %v", tc.value, *b, err)
		}
	}
	if EnvName("max-conns-per-ip") != "PROCTOR_MAX_CONNS_PER_IP" {
		t.Fatal(EnvName("max-conns-per-ip"))
	}
}
