package app

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"proctor/server/auth"
)

// secretSource says where the server secret comes from: a file, or the
// PROCTOR_SECRET environment variable. The secret is never logged.
type secretSource struct {
	file *string
}

// EnvSecret is the environment variable holding the server secret.
const EnvSecret = "PROCTOR_SECRET"

func secretFlags(fs *flag.FlagSet) *secretSource {
	return &secretSource{file: fs.String("secret-file", os.Getenv("PROCTOR_SECRET_FILE"), "file holding the server secret (default: $"+EnvSecret+")")}
}

func (s *secretSource) load() ([]byte, error) {
	if *s.file != "" {
		b, err := os.ReadFile(*s.file)
		if err != nil {
			return nil, fmt.Errorf("read secret: %w", err)
		}
		return bytes.TrimSpace(b), nil
	}
	if v := os.Getenv(EnvSecret); v != "" {
		return []byte(v), nil
	}
	return nil, fmt.Errorf("no secret: set $%s or -secret-file (at least 16 bytes)", EnvSecret)
}

// signer loads the secret and returns the signer of the server's tokens.
func (s *secretSource) signer() (*auth.Signer, error) {
	key, err := s.load()
	if err != nil {
		return nil, err
	}
	return auth.NewSigner(key)
}
