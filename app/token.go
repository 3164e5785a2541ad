package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"proctor/proto"
	"proctor/server/auth"
)

func init() {
	register(Mode{Name: "token", Summary: "print a signed access token or a seed-protocol stream key", Run: runToken})
}

// tokenFlags are the flags of proctor token.
type tokenFlags struct {
	role, sub, kind *string
	ttl             *time.Duration
	streamKey       *bool
	sessions        []string
}

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token", stderr)
	var f tokenFlags
	f.role = fs.String("role", "proctor", "role: sentinel, proctor, reviewer, admin or metrics (reads /metrics only)")
	f.sub = fs.String("sub", "", "subject: for a sentinel, the id it may publish as; with -stream-key, the channel")
	f.ttl = fs.Duration("ttl", 24*time.Hour, "validity; 0: never expires (a stream key never expires unless -ttl is given)")
	f.streamKey = fs.Bool("stream-key", false, "print a seed-protocol stream key of channel -sub and -kind instead (ws://HOST/CHANNEL/KEY/...)")
	f.kind = fs.String("kind", "", "with -stream-key: publish (only publishes) or receive (receive, receive-clear-cache, probe)")
	fs.Func("session", "a session the sentinel token may join (repeat it, or a comma list; default: any)", func(v string) error {
		for _, sid := range strings.Split(v, ",") {
			if err := proto.CheckID("session", sid); err != nil {
				return err
			}
			f.sessions = append(f.sessions, sid)
		}
		return nil
	})
	secret := secretFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if *f.streamKey {
		return printStreamKey(secret, f, set["ttl"], stdout)
	}
	if set["kind"] {
		return usageError("-kind is for -stream-key")
	}
	r, err := auth.ParseRole(*f.role)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	if r == auth.RoleSentinel && *f.sub == "" {
		return usageError("a sentinel token needs -sub SENTINEL_ID")
	}
	if len(f.sessions) > 0 && r != auth.RoleSentinel {
		return usageError("-session limits a sentinel token; a %s token names no sessions", r)
	}
	signer, err := secret.signer()
	if err != nil {
		return err
	}
	c := auth.Claims{Role: r, Subject: *f.sub, Sessions: f.sessions}
	if *f.ttl > 0 {
		c.Expiry = time.Now().Add(*f.ttl).Unix()
	}
	fmt.Fprintln(stdout, signer.Sign(c))
	return nil
}

// printStreamKey prints the key of kind for channel -sub. The channel
// must fit the seed endpoint's lowercase alphabet, which is narrower than
// a Sentinel id's: a key for Cam1 would be refused there every time.
func printStreamKey(secret *secretSource, f tokenFlags, ttlSet bool, stdout io.Writer) error {
	channel := *f.sub
	switch {
	case channel == "":
		return usageError("-stream-key needs -sub CHANNEL")
	case !auth.ValidChannel(channel):
		return usageError("channel %q: the seed endpoint takes 1-64 characters of a-z 0-9 - _ (no upper case)", channel)
	case len(f.sessions) > 0:
		return usageError("-session is for sentinel tokens, not stream keys")
	}
	kind, err := auth.ParseStreamKind(*f.kind)
	if err != nil {
		return usageError("-stream-key needs -kind publish or -kind receive")
	}
	signer, err := secret.signer()
	if err != nil {
		return err
	}
	var exp time.Time
	if ttlSet && *f.ttl > 0 {
		exp = time.Now().Add(*f.ttl)
	}
	key, err := signer.StreamKey(channel, kind, exp)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	fmt.Fprintln(stdout, key)
	return nil
}

// usageError is a usage mistake: exit status 2 with its message.
func usageError(format string, args ...any) error {
	return &ExitError{Code: 2, Err: fmt.Errorf(format, args...)}
}
