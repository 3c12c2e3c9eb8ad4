package awsclient

import (
	"net"
	"syscall"
	"unsafe"
)

// unsent is how many bytes written to c the peer has not acknowledged yet
// (the send queue), or -1 when that cannot be told.
func unsent(c net.Conn) int {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return -1
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	n := -1
	_ = rc.Control(func(fd uintptr) {
		var q int32
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&q))); errno == 0 {
			n = int(q)
		}
	})
	return n
}
