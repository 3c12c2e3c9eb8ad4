package main

import (
	"fmt"
	"net"
	"sync"
)

// listenLoopback accepts connections and holds them open without answering.
// accepted is closed once the first connection is in.
func listenLoopback(port int) (l net.Listener, accepted <-chan struct{}, err error) {
	l, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, nil, err
	}
	in := make(chan struct{})
	var once sync.Once
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			once.Do(func() { close(in) })
			defer c.Close()
		}
	}()
	return l, in, nil
}
