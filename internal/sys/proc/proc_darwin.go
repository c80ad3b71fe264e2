package proc

import (
	"os"

	"golang.org/x/sys/unix"
)

func parentName() string {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", os.Getppid())
	if err != nil {
		return ""
	}
	name := kp.Proc.P_comm[:]
	for i, c := range name {
		if c == 0 {
			name = name[:i]
			break
		}
	}
	return string(name)
}
