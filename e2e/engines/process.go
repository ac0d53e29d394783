package engines

import (
	"net"
	"os/exec"
	"syscall"
	"time"
)

// pollInterval is how often a wait asks the browser again.
const pollInterval = 25 * time.Millisecond

// process is a program the tests started, in a process group of its own, so that stop also ends
// the processes it started (WebKitWebDriver starts MiniBrowser, which starts WebKit's web
// processes; Firefox its content processes).
type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once it has exited
}

// startProcess starts cmd. Should the test binary die first (a test timeout), the kernel kills
// cmd with it.
func startProcess(cmd *exec.Cmd) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// stop kills the process group and waits for the process.
func (p *process) stop() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
}

// freePort picks a free loopback port for a program that cannot pick one itself and say which.
// Another program may take it first: the caller sees its program exit, and tries again.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
