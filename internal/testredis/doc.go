// Package testredis starts a real redis-server for Proctor's tests: on a
// free loopback port, with persistence off, in a temporary directory, and
// stopped by its pid when the test ends. Kill (SIGKILL) and Start on the
// same port let a test take Redis away mid-stream and bring it back.
//
// It is an ordinary package so that any _test.go file can import it; it
// calls testing.TB's Fatal on failure and is not for production code.
package testredis
