// Package redisproc holds what both the demo's redis-server and the tests'
// harness (internal/testredis) need to tell a redis-server is up, without
// a Redis client.
package redisproc

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"time"
)

// Ping sends an inline PING to addr and expects +PONG within a second.
func Ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := fmt.Fprint(c, "PING\r\n"); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}
