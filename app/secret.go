package app

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"

	"proctor/server/auth"
)

// secretSource says where the server secrets come from: a file, or the
// PROCTOR_SECRET environment variable. Secrets are never logged.
type secretSource struct {
	file *string
}

// EnvSecret is the environment variable holding the server secret (one:
// a rotation needs the secret file).
const EnvSecret = "PROCTOR_SECRET"

func secretFlags(fs *flag.FlagSet) *secretSource {
	return &secretSource{file: fs.String("secret-file", "", "file of server secrets, one a line, newest first: tokens and keys are signed with the first and accepted from any (default: the one secret in $"+EnvSecret+")")}
}

// loadAll returns the secrets, newest first: the file's non-empty lines
// that do not start with #, or the one secret of $PROCTOR_SECRET.
func (s *secretSource) loadAll() ([][]byte, error) {
	if *s.file != "" {
		b, err := os.ReadFile(*s.file)
		if err != nil {
			return nil, fmt.Errorf("read secret: %w", err)
		}
		keys, err := parseSecrets(b)
		if err != nil {
			return nil, fmt.Errorf("secret file %s: %w", *s.file, err)
		}
		return keys, nil
	}
	if v := os.Getenv(EnvSecret); v != "" {
		return [][]byte{[]byte(v)}, nil
	}
	return nil, fmt.Errorf("no secret: set $%s or -secret-file (at least %d bytes)", EnvSecret, auth.MinSecretLen)
}

// parseSecrets splits a secret file into its secrets. Surrounding spaces
// are trimmed, so a secret cannot begin or end with one.
func parseSecrets(b []byte) ([][]byte, error) {
	var keys [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		keys = append(keys, append([]byte(nil), line...))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no secret in the file (one a line, newest first)")
	}
	return keys, nil
}

// load returns the newest secret, the one that signs.
func (s *secretSource) load() ([]byte, error) {
	keys, err := s.loadAll()
	if err != nil {
		return nil, err
	}
	return keys[0], nil
}

// signer loads the secrets and returns the signer of the server's tokens
// and stream keys: it signs with the newest and accepts all of them.
func (s *secretSource) signer() (*auth.Signer, error) {
	keys, err := s.loadAll()
	if err != nil {
		return nil, err
	}
	return auth.NewSigner(keys...)
}
