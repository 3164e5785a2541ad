package app

import "syscall"

// redisProcAttr makes the kernel send SIGTERM to redis-server when the
// demo dies without stopping it (SIGKILL, a second Ctrl-C, a crash), so
// that no orphan keeps the port. The signal follows the thread that
// started the process; Go only ends a thread whose goroutine locked it
// and exited, which the demo's callers (main, a test) do not.
func redisProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
