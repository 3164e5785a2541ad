//go:build linux

package store

import (
	"syscall"
	"unsafe"
)

// haveWritev: on Linux a frame is written with one writev(2).
const haveWritev = true

// writeFrame writes a frame header and its payload to a log file in one
// writev(2): one system call per segment, as before frame headers, and no
// copy of the payload. A short write leaves what was written (the caller
// undoes it); EINTR is retried.
func writeFrame(rc syscall.RawConn, hdr, payload []byte) error {
	var errno syscall.Errno
	err := rc.Write(func(fd uintptr) bool {
		a, b := hdr, payload
		for len(a)+len(b) > 0 {
			var iov [2]syscall.Iovec
			k := 0
			for _, p := range [2][]byte{a, b} {
				if len(p) > 0 {
					iov[k].Base = &p[0]
					iov[k].SetLen(len(p))
					k++
				}
			}
			r, _, e := syscall.Syscall(syscall.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&iov[0])), uintptr(k))
			if e == syscall.EINTR {
				continue
			}
			if e != 0 {
				errno = e
				return true
			}
			m := int(r)
			if m == 0 {
				errno = syscall.EIO
				return true
			}
			if m >= len(a) {
				b, a = b[m-len(a):], nil
			} else {
				a = a[m:]
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}
