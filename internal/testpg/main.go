package testpg

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// shared is the cluster Main started for this test binary.
var shared *Cluster

// startErr says why Main has no cluster.
var startErr error

// Main runs a test package's tests with one shared cluster, for TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testpg.Main(m)) }
//
// Without PostgreSQL, NewDB skips a test, except when CI is set: then Main
// fails the whole run before any test, because CI must test both backends.
func Main(m *testing.M) int {
	shared, startErr = Start()
	if startErr != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "testpg: CI is set and PostgreSQL cannot start:", startErr)
			return 1
		}
		fmt.Fprintln(os.Stderr, "testpg: PostgreSQL tests will skip:", startErr)
	}
	code := m.Run()
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	return code
}

// NewDB returns the URL of a fresh database on the cluster Main started
// (or, without Main, on a cluster of this test alone, stopped in
// t.Cleanup). It skips the test when PostgreSQL is missing outside CI and
// fails it under CI.
func NewDB(t testing.TB) string {
	t.Helper()
	c := shared
	if c == nil && startErr == nil {
		var err error
		if c, err = Start(); err != nil {
			missing(t, err)
		}
		t.Cleanup(func() {
			if err := c.Stop(); err != nil {
				t.Error(err)
			}
		})
	}
	if c == nil {
		missing(t, startErr)
	}
	url, err := c.CreateDB(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return url
}

func missing(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set: %v", err)
	}
	t.Skipf("no PostgreSQL: %v", err)
}
