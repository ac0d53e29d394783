//go:build !windows && !plan9 && !solaris && !aix && !android

package store

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockShared holds a shared lock on f while the pages are read, so the check never reads a
// file that another nango-dev (which holds bbolt's exclusive lock) is writing: that would look
// damaged when it is only busy. It waits up to timeout, as bbolt does.
func lockShared(f *os.File, timeout time.Duration) (unlock func(), err error) {
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, errFileInUse
		}
		time.Sleep(50 * time.Millisecond)
	}
}
