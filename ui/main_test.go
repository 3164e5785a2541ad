package ui

import (
	"os"
	"testing"
	"time"
)

// TestMain pins the local time zone so golden markup with clock times is
// the same on every machine.
func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}
