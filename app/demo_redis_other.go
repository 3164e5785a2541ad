//go:build !linux

package app

import "syscall"

// redisProcAttr: only Linux can tie redis-server's life to the demo's;
// elsewhere demoRedis.stop is the only way it ends.
func redisProcAttr() *syscall.SysProcAttr { return nil }
