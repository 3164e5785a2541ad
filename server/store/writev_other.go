//go:build !linux

package store

import "syscall"

// haveWritev: elsewhere a frame is written with two write calls.
const haveWritev = false

func writeFrame(syscall.RawConn, []byte, []byte) error { return syscall.ENOSYS }
