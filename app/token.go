package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"proctor/proto"
	"proctor/server/auth"
)

func init() {
	register(Mode{Name: "token", Summary: "print a signed access token", Run: runToken})
}

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token", stderr)
	role := fs.String("role", "proctor", "role: sentinel, proctor, reviewer or admin")
	sub := fs.String("sub", "", "subject: for a sentinel, the id it may publish as")
	ttl := fs.Duration("ttl", 24*time.Hour, "validity; 0 for a token that never expires")
	streamKey := fs.Bool("stream-key", false, "print the seed-protocol stream key of channel -sub instead (ws://HOST/CHANNEL/KEY/...)")
	secret := secretFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *streamKey {
		return printStreamKey(secret, *sub, stdout)
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	if r == auth.RoleSentinel && *sub == "" {
		return &ExitError{Code: 2, Err: fmt.Errorf("a sentinel token needs -sub SENTINEL_ID")}
	}
	signer, err := secret.signer()
	if err != nil {
		return err
	}
	c := auth.Claims{Role: r, Subject: *sub}
	if *ttl > 0 {
		c.Expiry = time.Now().Add(*ttl).Unix()
	}
	fmt.Fprintln(stdout, signer.Sign(c))
	return nil
}

func printStreamKey(secret *secretSource, channel string, stdout io.Writer) error {
	if !proto.ValidID(channel) {
		return &ExitError{Code: 2, Err: fmt.Errorf("-stream-key needs -sub CHANNEL, a valid Sentinel id")}
	}
	signer, err := secret.signer()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, signer.StreamKey(channel))
	return nil
}
