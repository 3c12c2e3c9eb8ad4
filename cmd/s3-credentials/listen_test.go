package main

import (
	"net"
	"sync"
)

// listenLoopback accepts connections and holds them open without answering.
// accepted is closed once the first connection is in.
// It listens on a port the system picks, so no other process can hold it.
func listenLoopback() (l net.Listener, accepted <-chan struct{}, err error) {
	l, err = net.Listen("tcp", "127.0.0.1:0")
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
