package server

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// listenFailure says why an address could not be bound, without the net package's layers
// ("listen tcp 127.0.0.1:3003: bind: …") that repeat the address.
func listenFailure(err error) string {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return "the address is already in use (another nango-dev, or make serve?); port 0 picks a free one"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "no network interface of this machine has that address"
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		var sys *os.SyscallError
		if errors.As(op.Err, &sys) {
			return sys.Err.Error()
		}
		return op.Err.Error()
	}
	return err.Error()
}
