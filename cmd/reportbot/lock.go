package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockName is the lock file in the data folder. Two processes on one folder
// would both read the update inbox and the outbox and so handle updates and
// send messages twice.
const lockName = "reportbot.lock"

// dataLock is the held lock of a data folder.
type dataLock struct{ f *os.File }

// lockDataDir takes the exclusive lock of a data folder for the life of the
// process, or says clearly who holds it. The kernel drops the lock when the
// process ends, however it ends, so a crash never leaves a stale lock behind.
func lockDataDir(dir string) (*dataLock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, configError{fmt.Sprintf("cannot create the data folder %s: %v", dir, err)}
	}
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, configError{fmt.Sprintf("cannot open the lock file %s: %v", path, err)}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid := strings.TrimSpace(string(holder))
			return nil, configError{fmt.Sprintf("thư mục dữ liệu %s đang được một tiến trình reportbot khác dùng (PID %s); dừng tiến trình đó trước\n"+
				"the data folder %s is in use by another reportbot process (PID %s); stop that one first", dir, pid, dir, pid)}
		}
		return nil, configError{fmt.Sprintf("cannot lock %s: %v", path, err)}
	}
	// The PID is only for the message above; the lock is the flock.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dataLock{f: f}, nil
}

// release gives the lock up (the process's end does too).
func (l *dataLock) release() { l.f.Close() }
